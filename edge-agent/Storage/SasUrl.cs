namespace CloudWg.EdgeAgent.Storage;

/// <summary>A resource URL with a SAS token; builds sub-resource URLs and a SAS-free form for logs.</summary>
public sealed class SasUrl
{
    private readonly string resource;
    private readonly string sas;

    public SasUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new FormatException("A SAS URL must be an absolute http(s) URL.");
        }

        resource = uri.GetLeftPart(UriPartial.Path).TrimEnd('/');
        sas = uri.Query.TrimStart('?');
    }

    /// <summary>The URL without its SAS, safe to log.</summary>
    public string Redacted => resource;

    /// <summary><c>resource/path?sas&amp;extra</c>.</summary>
    public Uri Build(string path = "", string? extraQuery = null)
    {
        var query = string.IsNullOrEmpty(extraQuery) ? sas : string.IsNullOrEmpty(sas) ? extraQuery : sas + "&" + extraQuery;
        return new Uri(resource + path + (query.Length > 0 ? "?" + query : string.Empty));
    }
}

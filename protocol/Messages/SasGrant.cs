using CloudWg.Protocol.Validation;

namespace CloudWg.Protocol.Messages;

/// <summary>A storage URL with its SAS token, scoped to one queue or blob, and when it stops working.</summary>
/// <param name="Url">Absolute http(s) URL including the SAS query string. A secret: never log it.</param>
public sealed record SasGrant(string Url, DateTimeOffset ExpiresAt)
{
    /// <summary>Hides the SAS signature so the grant can be logged.</summary>
    public override string ToString() =>
        Uri.TryCreate(Url, UriKind.Absolute, out var uri) ? $"{uri.GetLeftPart(UriPartial.Path)}?<sas> until {ExpiresAt:O}" : "<invalid sas url>";

    /// <summary>Problems with this grant; <paramref name="path"/> prefixes each path.</summary>
    public IReadOnlyList<ValidationError> Validate(string path = "")
    {
        var errors = new List<ValidationError>();
        var prefix = path.Length == 0 ? string.Empty : path + ".";
        if (string.IsNullOrEmpty(Url) || Url.Length > 4096
            || !Uri.TryCreate(Url, UriKind.Absolute, out var uri)
            || uri.Scheme is not ("https" or "http")
            || string.IsNullOrEmpty(uri.Query))
        {
            errors.Add(new ValidationError(prefix + "url", "must be an absolute http(s) URL with a SAS query string."));
        }

        MessageRules.Time(errors, prefix + "expiresAt", ExpiresAt);
        return errors;
    }
}

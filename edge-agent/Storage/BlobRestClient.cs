using System.Globalization;
using System.Net;

namespace CloudWg.EdgeAgent.Storage;

/// <summary>Reads one blob with its SAS URL, refusing bodies larger than a limit.</summary>
public sealed class BlobRestClient(HttpClient http, SasUrl blob)
{
    public string Redacted => blob.Redacted;

    /// <exception cref="BlobTooLargeException">The blob exceeds <paramref name="maxBytes"/>.</exception>
    public async Task<byte[]> DownloadAsync(long maxBytes, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, blob.Build());
        request.Headers.Add("x-ms-version", QueueRestClient.ApiVersion);
        request.Headers.Add("x-ms-date", DateTimeOffset.UtcNow.ToString("R", CultureInfo.InvariantCulture));
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new StorageRestException($"Cannot read {blob.Redacted}: {e.Message}", null, e);
        }

        using (response)
        {
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new StorageRestException($"Cannot read {blob.Redacted}: {(int)response.StatusCode} {response.ReasonPhrase}", response.StatusCode);
            }

            if (response.Content.Headers.ContentLength is { } length && length > maxBytes)
            {
                throw new BlobTooLargeException(length, maxBytes);
            }

            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    throw new BlobTooLargeException(buffer.Length + read, maxBytes);
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
    }
}

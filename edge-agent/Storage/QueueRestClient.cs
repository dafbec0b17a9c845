using System.Globalization;
using System.Net;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace CloudWg.EdgeAgent.Storage;

/// <summary>
/// The three Storage Queue operations the agent needs (get with visibility timeout, delete with pop
/// receipt, put), as plain REST calls with the queue's SAS URL. The Azure SDK would pull in a large,
/// reflection-heavy dependency tree for these, which the NativeAOT agent binary does without.
/// </summary>
public sealed class QueueRestClient(HttpClient http, SasUrl queue)
{
    /// <summary>A Storage REST version Azure and Azurite both serve.</summary>
    public const string ApiVersion = "2024-08-04";

    private static readonly XmlReaderSettings SafeXml = new() { Async = true, DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, MaxCharactersInDocument = 16 * 1024 * 1024 };

    public string Redacted => queue.Redacted;

    /// <summary>Gets up to <paramref name="count"/> messages, hiding them for <paramref name="visibilityTimeout"/>.</summary>
    public async Task<IReadOnlyList<QueueMessage>> ReceiveAsync(int count, TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        var query = string.Create(CultureInfo.InvariantCulture, $"numofmessages={count}&visibilitytimeout={(int)visibilityTimeout.TotalSeconds}");
        using var request = NewRequest(HttpMethod.Get, queue.Build("/messages", query));
        using var response = await SendAsync(request, "receive from", cancellationToken).ConfigureAwait(false);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var reader = XmlReader.Create(stream, SafeXml);
        var doc = await XDocument.LoadAsync(reader, LoadOptions.None, cancellationToken).ConfigureAwait(false);
        var messages = new List<QueueMessage>();
        foreach (var element in doc.Root?.Elements("QueueMessage") ?? [])
        {
            var raw = (string?)element.Element("MessageText") ?? string.Empty;
            messages.Add(new QueueMessage(
                (string?)element.Element("MessageId") ?? string.Empty,
                (string?)element.Element("PopReceipt") ?? string.Empty,
                long.TryParse((string?)element.Element("DequeueCount"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0,
                DecodeText(raw),
                raw.Length));
        }

        return messages;
    }

    public async Task DeleteAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        var query = "popreceipt=" + Uri.EscapeDataString(message.PopReceipt);
        using var request = NewRequest(HttpMethod.Delete, queue.Build("/messages/" + Uri.EscapeDataString(message.MessageId), query));
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        // 404: already deleted or its pop receipt went stale (another receive); both are harmless here.
        if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.NotFound)
        {
            throw new StorageRestException($"Deleting a message from {queue.Redacted} failed: {(int)response.StatusCode} {response.ReasonPhrase}", response.StatusCode);
        }
    }

    /// <summary>Adds a message; the text is base64-encoded, as Azure Functions queue triggers expect by default.</summary>
    public async Task SendAsync(string text, CancellationToken cancellationToken)
    {
        var body = "<QueueMessage><MessageText>" + Convert.ToBase64String(Encoding.UTF8.GetBytes(text)) + "</MessageText></QueueMessage>";
        using var request = NewRequest(HttpMethod.Post, queue.Build("/messages"));
        request.Content = new StringContent(body, Encoding.UTF8, "application/xml");
        using var response = await SendAsync(request, "send to", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Message text is accepted either as the JSON itself or base64-encoded JSON (the Functions default),
    /// so the publisher may use either encoding.
    /// </summary>
    public static string DecodeText(string raw)
    {
        var trimmed = raw.TrimStart();
        if (trimmed.StartsWith('{') || trimmed.Length == 0)
        {
            return raw;
        }

        var buffer = new byte[(raw.Length * 3 / 4) + 3];
        return Convert.TryFromBase64String(raw, buffer, out var written) ? Encoding.UTF8.GetString(buffer, 0, written) : raw;
    }

    private static HttpRequestMessage NewRequest(HttpMethod method, Uri uri)
    {
        var request = new HttpRequestMessage(method, uri);
        request.Headers.Add("x-ms-version", ApiVersion);
        request.Headers.Add("x-ms-date", DateTimeOffset.UtcNow.ToString("R", CultureInfo.InvariantCulture));
        return request;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, string verb, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new StorageRestException($"Cannot {verb} {queue.Redacted}: {e.Message}", null, e);
        }

        if (!response.IsSuccessStatusCode)
        {
            var status = response.StatusCode;
            var reason = response.ReasonPhrase;
            response.Dispose();
            throw new StorageRestException($"Cannot {verb} {queue.Redacted}: {(int)status} {reason}", status);
        }

        return response;
    }
}

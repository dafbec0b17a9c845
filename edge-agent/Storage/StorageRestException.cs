using System.Net;

namespace CloudWg.EdgeAgent.Storage;

/// <summary>A Storage REST call failed; the SAS is never part of the message.</summary>
public sealed class StorageRestException(string message, HttpStatusCode? status = null, Exception? inner = null) : Exception(message, inner)
{
    public HttpStatusCode? Status { get; } = status;

    /// <summary>403: the SAS expired or was revoked; renewal may fix it.</summary>
    public bool IsAuthorizationFailure => Status == HttpStatusCode.Forbidden;
}

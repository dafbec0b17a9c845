using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace CloudWg.Functions.KeyVault;

/// <summary>
/// The Key Vault REST operations the Keys and Secrets SDKs would offer (unavailable here): get/create an EC key,
/// <c>sign</c> (ES256 over a SHA-256 digest, raw r‖s), <c>wrapkey</c>/<c>unwrapkey</c> (RSA-OAEP-256) and get a secret. Runs over Azure.Core's pipeline with a bearer
/// token from the app's credential, so retries, logging redaction and token caching match the other SDK clients.
/// </summary>
public sealed class KeyVaultRestClient
{
    /// <summary>The key-wrapping algorithm: RSA-OAEP with SHA-256 (the one Key Vault recommends for new keys).</summary>
    public const string WrapAlgorithm = "RSA-OAEP-256";

    private readonly HttpPipeline pipeline;
    private readonly KeyVaultOptions options;

    public KeyVaultRestClient(KeyVaultOptions options, TokenCredential credential, KeyVaultTransport? transport = null)
    {
        this.options = options;
        VaultUri = options.Uri ?? throw new InvalidOperationException("CloudWg:KeyVault:Uri is not set.");
        var clientOptions = new RestClientOptions();
        if (transport is not null)
        {
            clientOptions.Transport = transport.Transport;
        }

        pipeline = HttpPipelineBuilder.Build(clientOptions, new BearerTokenAuthenticationPolicy(credential, options.Scope));
    }

    public Uri VaultUri { get; }

    /// <summary>The current version of key <paramref name="name"/>; null when it does not exist.</summary>
    public async Task<KeyVaultKey?> GetKeyAsync(string name, CancellationToken cancellationToken = default) =>
        await GetKeyDocumentAsync(name, cancellationToken).ConfigureAwait(false) is { } document ? ParseKey(document) : null;

    /// <summary>Creates a new version of EC P-256 signing key <paramref name="name"/> (non-exportable).</summary>
    public async Task<KeyVaultKey> CreateEcKeyAsync(string name, CancellationToken cancellationToken = default)
    {
        var body = new JsonObject { ["kty"] = "EC", ["crv"] = "P-256", ["key_ops"] = new JsonArray("sign", "verify") };
        using var message = Create(RequestMethod.Post, $"keys/{Uri.EscapeDataString(name)}/create", body);
        await pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        return ParseKey(Ensure(message.Response));
    }

    /// <summary>ES256 signature (64 bytes r‖s) of a SHA-256 <paramref name="digest"/> with key <paramref name="keyId"/> (a kid URL).</summary>
    public async Task<byte[]> SignAsync(Uri keyId, byte[] digest, CancellationToken cancellationToken = default)
    {
        using var message = CreateSign(keyId, digest);
        await pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        return ParseSignature(Ensure(message.Response));
    }

    /// <summary>Synchronous <see cref="SignAsync"/>, for <see cref="System.Security.Cryptography.X509Certificates.X509SignatureGenerator"/>.</summary>
    public byte[] Sign(Uri keyId, byte[] digest, CancellationToken cancellationToken = default)
    {
        using var message = CreateSign(keyId, digest);
        pipeline.Send(message, cancellationToken);
        return ParseSignature(Ensure(message.Response));
    }

    /// <summary>The identifier (versioned kid URL) of the current version of key <paramref name="name"/>, of any type; null when it does not exist.</summary>
    public async Task<Uri?> GetKeyIdAsync(string name, CancellationToken cancellationToken = default)
    {
        using var document = await GetKeyDocumentAsync(name, cancellationToken).ConfigureAwait(false);
        return document is null
            ? null
            : new Uri(document.RootElement.GetProperty("key").GetProperty("kid").GetString() ?? throw new InvalidOperationException($"Key Vault key {name} without kid."));
    }

    /// <summary>The current version of key <paramref name="name"/> as Key Vault returns it; null when it does not exist.</summary>
    private async Task<JsonDocument?> GetKeyDocumentAsync(string name, CancellationToken cancellationToken)
    {
        using var message = Create(RequestMethod.Get, $"keys/{Uri.EscapeDataString(name)}", null);
        await pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        return message.Response.Status == 404 ? null : Ensure(message.Response);
    }

    /// <summary>
    /// Encrypts a small symmetric key with RSA-OAEP-256 under key version <paramref name="keyId"/>; returns the wrapped
    /// bytes and the exact key version that wrapped them (unwrap must use that one).
    /// </summary>
    public async Task<(Uri KeyId, byte[] Wrapped)> WrapKeyAsync(Uri keyId, byte[] key, CancellationToken cancellationToken = default)
    {
        using var message = Create(RequestMethod.Post, Operation(keyId, "wrapkey"), new JsonObject { ["alg"] = WrapAlgorithm, ["value"] = Base64Url.Encode(key) });
        await pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        using var document = Ensure(message.Response);
        var wrapped = Base64Url.Decode(document.RootElement.GetProperty("value").GetString() ?? "");
        var usedKid = document.RootElement.TryGetProperty("kid", out var kid) && kid.GetString() is { Length: > 0 } k ? new Uri(k) : keyId;
        return (usedKid, wrapped);
    }

    /// <summary>Decrypts what <see cref="WrapKeyAsync"/> produced, with the key version named in <paramref name="keyId"/>.</summary>
    public async Task<byte[]> UnwrapKeyAsync(Uri keyId, byte[] wrapped, CancellationToken cancellationToken = default)
    {
        using var message = Create(RequestMethod.Post, Operation(keyId, "unwrapkey"), new JsonObject { ["alg"] = WrapAlgorithm, ["value"] = Base64Url.Encode(wrapped) });
        await pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        using var document = Ensure(message.Response);
        return Base64Url.Decode(document.RootElement.GetProperty("value").GetString() ?? "");
    }

    /// <summary>The current value of secret <paramref name="name"/>.</summary>
    public async Task<string> GetSecretAsync(string name, CancellationToken cancellationToken = default)
    {
        using var message = Create(RequestMethod.Get, $"secrets/{Uri.EscapeDataString(name)}", null);
        await pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        using var document = Ensure(message.Response);
        return document.RootElement.GetProperty("value").GetString()
            ?? throw new InvalidOperationException($"Key Vault secret {name} has no value.");
    }

    private HttpMessage CreateSign(Uri keyId, byte[] digest)
    {
        if (digest.Length != SHA256.HashSizeInBytes)
        {
            throw new ArgumentException("ES256 signs a 32-byte SHA-256 digest.", nameof(digest));
        }

        var body = new JsonObject { ["alg"] = "ES256", ["value"] = Base64Url.Encode(digest) };
        return Create(RequestMethod.Post, Operation(keyId, "sign"), body);
    }

    private static Uri Operation(Uri keyId, string operation) => new(keyId.AbsoluteUri.TrimEnd('/') + "/" + operation);

    private HttpMessage Create(RequestMethod method, string path, JsonObject? body) =>
        Create(method, new Uri(VaultUri, path), body);

    private HttpMessage Create(RequestMethod method, Uri uri, JsonObject? body)
    {
        var message = pipeline.CreateMessage();
        message.Request.Method = method;
        var builder = new UriBuilder(uri) { Query = "api-version=" + options.ApiVersion };
        message.Request.Uri.Reset(builder.Uri);
        message.Request.Headers.Add("Accept", "application/json");
        if (body is not null)
        {
            message.Request.Headers.Add("Content-Type", "application/json");
            message.Request.Content = RequestContent.Create(JsonSerializer.SerializeToUtf8Bytes(body));
        }

        return message;
    }

    private static JsonDocument Ensure(Response response)
    {
        if (response.Status is < 200 or >= 300)
        {
            throw new RequestFailedException(response);
        }

        return JsonDocument.Parse(response.Content.ToMemory());
    }

    private static byte[] ParseSignature(JsonDocument document)
    {
        using (document)
        {
            var signature = Base64Url.Decode(document.RootElement.GetProperty("value").GetString() ?? "");
            return signature.Length == 64
                ? signature
                : throw new InvalidOperationException($"Key Vault returned a {signature.Length}-byte ES256 signature; expected 64.");
        }
    }

    private static KeyVaultKey ParseKey(JsonDocument document)
    {
        using (document)
        {
            var key = document.RootElement.GetProperty("key");
            var kid = new Uri(key.GetProperty("kid").GetString() ?? throw new InvalidOperationException("Key Vault key without kid."));
            if (key.GetProperty("kty").GetString() is not ("EC" or "EC-HSM") || key.GetProperty("crv").GetString() != "P-256")
            {
                throw new InvalidOperationException($"Key Vault key {kid} is not an EC P-256 key.");
            }

            var parameters = new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint
                {
                    X = Base64Url.Decode(key.GetProperty("x").GetString() ?? ""),
                    Y = Base64Url.Decode(key.GetProperty("y").GetString() ?? ""),
                },
            };
            parameters.Validate();
            return new KeyVaultKey(kid, parameters);
        }
    }

    private sealed class RestClientOptions : ClientOptions;
}

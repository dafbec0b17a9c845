using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Azure.Core.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CloudWg.Tests.Shared.Azure;

/// <summary>
/// An in-test Key Vault: HTTPS on loopback with a self-signed certificate, Key Vault's bearer challenge (401 with
/// <c>WWW-Authenticate: Bearer authorization=..., resource=...</c>) for requests without the expected token, and the REST
/// subset CloudWg uses — create certificate (issuer Self or Unknown, reuse_key), get pending operation, merge, get
/// certificate, create/get key, sign, wrapkey/unwrapkey, get secret — with real P-256 and RSA keys, real ECDSA
/// signatures and real RSA-OAEP-256.
/// </summary>
/// <remarks>
/// <see cref="StartManagedIdentityAsync"/> adds what App Service gives a function app's system identity: a token endpoint
/// on loopback HTTP (<c>IDENTITY_ENDPOINT</c>, guarded by <c>IDENTITY_HEADER</c>) handing out this vault's token, so a
/// separate process (the shipped package) authenticates with the SDK's own managed-identity credential.
/// <see cref="EnforceAppRoles"/> makes it answer like a vault where the caller holds exactly the roles the deployment
/// gives the function app (Key Vault Crypto User, Certificates Officer, Secrets User): creating keys is forbidden,
/// which is how infra/bicep/modules/roles.bicep is kept honest. <see cref="DeployKey"/> stands in for the deployment's
/// <c>Microsoft.KeyVault/vaults/keys</c> resources (created once, never re-versioned by a redeploy).
/// </remarks>
public sealed class FakeKeyVault : IAsyncDisposable
{
    public const string Token = "fake-key-vault-token";

    private readonly WebApplication app;
    private readonly X509Certificate2 tlsCertificate;
    private WebApplication? identity;
    private readonly ConcurrentDictionary<string, List<KeyVersion>> keys = new();
    private readonly ConcurrentDictionary<string, CertificateState> certificates = new();
    private readonly object gate = new();
    private int challenges;
    private int signatures;

    private FakeKeyVault(WebApplication app, X509Certificate2 tlsCertificate)
    {
        this.app = app;
        this.tlsCertificate = tlsCertificate;
    }

    public Uri VaultUri { get; private set; } = null!;

    public ConcurrentDictionary<string, string> Secrets { get; } = new();

    /// <summary>401 challenges answered so far (the SDK's challenge-based authentication did run).</summary>
    public int Challenges => Volatile.Read(ref challenges);

    /// <summary>Sign operations performed so far.</summary>
    public int Signatures => Volatile.Read(ref signatures);

    /// <summary>Answer 403 ForbiddenByRbac to what the function app's roles do not allow (key creation).</summary>
    public bool EnforceAppRoles { get; set; }

    /// <summary>Key operations performed so far, by operation ("sign", "wrapkey", "unwrapkey", "create").</summary>
    public ConcurrentDictionary<string, int> Operations { get; } = new();

    /// <summary>What a Bicep <c>vaults/keys</c> resource does: create the key's first version unless the key exists.</summary>
    public void DeployKey(string name, string kty, params string[] keyOps)
    {
        lock (gate)
        {
            if (!keys.ContainsKey(name))
            {
                keys[name] = [NewVersion(kty, keyOps)];
            }
        }
    }

    /// <summary>A new current version of key <paramref name="name"/> (same type and operations), as <c>az keyvault key rotate</c> makes.</summary>
    public string RotateKey(string name)
    {
        lock (gate)
        {
            var versions = keys[name];
            var next = NewVersion(versions[^1].Kty, versions[^1].Ops);
            versions.Add(next);
            return next.Version;
        }
    }

    /// <summary>Disables one key version: every operation with it fails from now on.</summary>
    public void DisableKeyVersion(string name, string version)
    {
        lock (gate)
        {
            var versions = keys[name];
            var index = versions.FindIndex(v => v.Version == version);
            versions[index] = versions[index] with { Enabled = false };
        }
    }

    /// <summary>The version ids of key <paramref name="name"/>, oldest first.</summary>
    public IReadOnlyList<string> KeyVersions(string name)
    {
        lock (gate)
        {
            return keys.TryGetValue(name, out var versions) ? [.. versions.Select(v => v.Version)] : [];
        }
    }

    /// <summary>A transport that trusts exactly this vault's TLS certificate.</summary>
    public HttpPipelineTransport Transport => new HttpClientTransport(new SocketsHttpHandler
    {
        SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && certificate.GetCertHashString() == tlsCertificate.GetCertHashString(),
        },
    });

    public static async Task<FakeKeyVault> StartAsync()
    {
        using var tlsKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=fake-key-vault", tlsKey, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var selfSigned = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));
        var tls = X509CertificateLoader.LoadPkcs12(selfSigned.Export(X509ContentType.Pkcs12), null);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(tls)));
        var app = builder.Build();
        var vault = new FakeKeyVault(app, tls);
        vault.Map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        vault.VaultUri = new Uri(address.TrimEnd('/') + "/");
        return vault;
    }

    /// <summary>The vault's TLS certificate, PEM (for <c>SSL_CERT_FILE</c> of a process that must trust it).</summary>
    public string CertificatePem => tlsCertificate.ExportCertificatePem();

    /// <summary>Tokens handed out by the managed-identity endpoint, by resource asked for.</summary>
    public ConcurrentDictionary<string, int> IdentityTokens { get; } = new();

    /// <summary>
    /// Starts the App Service managed-identity endpoint (<c>GET /msi/token?resource=…&amp;api-version=2019-08-01</c>
    /// with <c>X-IDENTITY-HEADER</c>) and returns the two environment variables the platform sets for it.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> StartManagedIdentityAsync()
    {
        var secret = Guid.NewGuid().ToString("N");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        identity = builder.Build();
        identity.MapGet("/msi/token", (HttpRequest request) =>
        {
            if (request.Headers["X-IDENTITY-HEADER"].ToString() != secret)
            {
                return Results.Json(new { error = "invalid_request", error_description = "X-IDENTITY-HEADER is missing or wrong." }, statusCode: 400);
            }

            var resource = request.Query["resource"].ToString();
            IdentityTokens.AddOrUpdate(resource, 1, (_, n) => n + 1);
            var expires = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Results.Json(new { access_token = Token, expires_on = expires, resource, token_type = "Bearer", client_id = "00000000-0000-0000-0000-0000000000aa" });
        });
        await identity.StartAsync();
        var address = identity.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Dictionary<string, string>
        {
            ["IDENTITY_ENDPOINT"] = address.TrimEnd('/') + "/msi/token",
            ["IDENTITY_HEADER"] = secret,
        };
    }

    public async ValueTask DisposeAsync()
    {
        if (identity is not null)
        {
            await identity.StopAsync();
            await identity.DisposeAsync();
        }

        await app.StopAsync();
        await app.DisposeAsync();
        tlsCertificate.Dispose();
    }

    private void Map(WebApplication web)
    {
        web.Use(async (context, next) =>
        {
            if (context.Request.Headers.Authorization.ToString() != "Bearer " + Token)
            {
                Interlocked.Increment(ref challenges);
                context.Response.StatusCode = 401;
                context.Response.Headers.WWWAuthenticate =
                    "Bearer authorization=\"https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000\", resource=\"https://vault.azure.net\"";
                await context.Response.WriteAsJsonAsync(new { error = new { code = "Unauthorized", message = "Request is missing a Bearer or PoP token." } });
                return;
            }

            await next(context);
        });
        web.MapPost("/certificates/{name}/create", CreateCertificate);
        web.MapGet("/certificates/{name}/pending", GetOperation);
        web.MapPost("/certificates/{name}/pending/merge", Merge);
        web.MapGet("/certificates/{name}", GetCertificate);
        web.MapGet("/certificates/{name}/{version}", GetCertificate);
        web.MapPost("/keys/{name}/create", CreateKey);
        web.MapGet("/keys/{name}", GetKey);
        web.MapGet("/keys/{name}/{version}", GetKey);
        web.MapPost("/keys/{name}/{version}/sign", Sign);
        web.MapPost("/keys/{name}/{version}/wrapkey", (string name, string version, HttpRequest request) => WrapOrUnwrap(name, version, "wrapkey", request));
        web.MapPost("/keys/{name}/{version}/unwrapkey", (string name, string version, HttpRequest request) => WrapOrUnwrap(name, version, "unwrapkey", request));
        web.MapGet("/secrets/{name}", (string name) => Secrets.TryGetValue(name, out var value)
            ? Results.Json(new { value, id = $"{VaultUri}secrets/{name}/1" })
            : NotFound("SecretNotFound", name));
    }

    private async Task<IResult> CreateCertificate(string name, HttpRequest request)
    {
        var body = (await JsonNode.ParseAsync(request.Body))!;
        var policy = body["policy"]!;
        var keyProps = policy["key_props"]!;
        if ((string?)keyProps["kty"] != "EC" || (string?)keyProps["crv"] != "P-256")
        {
            return Results.Json(new { error = new { code = "BadParameter", message = "Only EC P-256 is faked." } }, statusCode: 400);
        }

        var subject = new X500DistinguishedName((string)policy["x509_props"]!["subject"]!);
        var issuer = (string)policy["issuer"]!["name"]!;
        lock (gate)
        {
            var version = Guid.NewGuid().ToString("N");
            var key = (bool?)keyProps["reuse_key"] == true && keys.TryGetValue(name, out var existing) && existing.Count > 0
                ? (ECDsa)existing[^1].Key
                : ECDsa.Create(ECCurve.NamedCurves.nistP256);
            keys.GetOrAdd(name, _ => []).Add(new KeyVersion(version, key, "EC", ["sign", "verify"]));
            var state = certificates.GetOrAdd(name, _ => new CertificateState());
            state.Policy = policy.DeepClone();
            if (issuer == "Self")
            {
                var self = new CertificateRequest(subject, key, HashAlgorithmName.SHA256)
                    .CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(1));
                state.Versions.Add(new CertificateVersion(version, self.RawData));
                state.Operation = new Operation(version, issuer, null, "completed");
            }
            else
            {
                var csr = new CertificateRequest(subject, key, HashAlgorithmName.SHA256).CreateSigningRequest();
                state.Operation = new Operation(version, issuer, csr, "inProgress");
            }

            return Results.Json(OperationJson(name, state.Operation), statusCode: 202);
        }
    }

    private IResult GetOperation(string name)
    {
        lock (gate)
        {
            return certificates.TryGetValue(name, out var state) && state.Operation is { } operation
                ? Results.Json(OperationJson(name, operation))
                : NotFound("PendingCertificateNotFound", name);
        }
    }

    private async Task<IResult> Merge(string name, HttpRequest request)
    {
        var body = (await JsonNode.ParseAsync(request.Body))!;
        var chain = body["x5c"]!.AsArray().Select(x => Convert.FromBase64String((string)x!)).ToList();
        lock (gate)
        {
            if (!certificates.TryGetValue(name, out var state) || state.Operation is not { Status: "inProgress" } operation)
            {
                return NotFound("PendingCertificateNotFound", name);
            }

            using var merged = X509CertificateLoader.LoadCertificate(chain[0]);
            var key = (ECDsa)keys[name].Single(k => k.Version == operation.Version).Key;
            if (!merged.PublicKey.ExportSubjectPublicKeyInfo().SequenceEqual(key.ExportSubjectPublicKeyInfo()))
            {
                return Results.Json(new { error = new { code = "BadParameter", message = "Public key of the certificate does not match the pending request." } }, statusCode: 400);
            }

            state.Versions.Add(new CertificateVersion(operation.Version, chain[0]));
            state.Operation = operation with { Status = "completed" };
            return Results.Json(BundleJson(name, state, state.Versions[^1]), statusCode: 201);
        }
    }

    private IResult GetCertificate(string name, string? version)
    {
        lock (gate)
        {
            if (!certificates.TryGetValue(name, out var state) || state.Versions.Count == 0)
            {
                return NotFound("CertificateNotFound", name);
            }

            var found = string.IsNullOrEmpty(version) ? state.Versions[^1] : state.Versions.FirstOrDefault(v => v.Version == version);
            return found is null ? NotFound("CertificateNotFound", name) : Results.Json(BundleJson(name, state, found));
        }
    }

    private async Task<IResult> CreateKey(string name, HttpRequest request)
    {
        Operations.AddOrUpdate("create", 1, (_, n) => n + 1);
        if (EnforceAppRoles)
        {
            return Results.Json(new
            {
                error = new
                {
                    code = "Forbidden",
                    message = "Caller is not authorized to perform action on resource. Action: 'Microsoft.KeyVault/vaults/keys/create/action'",
                    innererror = new { code = "ForbiddenByRbac" },
                },
            }, statusCode: 403);
        }

        var body = request.ContentLength is > 0 ? await JsonNode.ParseAsync(request.Body) : null;
        var kty = (string?)body?["kty"] ?? "EC";
        var ops = body?["key_ops"]?.AsArray().Select(o => (string)o!).ToArray() ?? (kty == "RSA" ? ["wrapKey", "unwrapKey"] : ["sign", "verify"]);
        lock (gate)
        {
            var created = NewVersion(kty, ops);
            keys.GetOrAdd(name, _ => []).Add(created);
            return Results.Json(KeyJson(name, created));
        }
    }

    private IResult GetKey(string name, string? version)
    {
        lock (gate)
        {
            var found = Find(name, version);
            return found is null ? NotFound("KeyNotFound", name) : Results.Json(KeyJson(name, found));
        }
    }

    private async Task<IResult> Sign(string name, string version, HttpRequest request)
    {
        var body = (await JsonNode.ParseAsync(request.Body))!;
        if ((string?)body["alg"] != "ES256")
        {
            return Results.Json(new { error = new { code = "BadParameter", message = "Only ES256 is faked." } }, statusCode: 400);
        }

        var digest = System.Buffers.Text.Base64Url.DecodeFromChars((string)body["value"]!);
        if (digest.Length != 32)
        {
            return Results.Json(new { error = new { code = "BadParameter", message = "ES256 needs a 32-byte digest." } }, statusCode: 400);
        }

        KeyVersion? found;
        lock (gate)
        {
            found = Find(name, version);
        }

        if (found is null)
        {
            return NotFound("KeyNotFound", name);
        }

        if (Refuse(found, "sign") is { } refused)
        {
            return refused;
        }

        Interlocked.Increment(ref signatures);
        Operations.AddOrUpdate("sign", 1, (_, n) => n + 1);
        var signature = ((ECDsa)found.Key).SignHash(digest, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return Results.Json(new { kid = $"{VaultUri}keys/{name}/{found.Version}", value = System.Buffers.Text.Base64Url.EncodeToString(signature) });
    }

    private async Task<IResult> WrapOrUnwrap(string name, string version, string operation, HttpRequest request)
    {
        var body = (await JsonNode.ParseAsync(request.Body))!;
        if ((string?)body["alg"] != "RSA-OAEP-256")
        {
            return Results.Json(new { error = new { code = "BadParameter", message = "Only RSA-OAEP-256 is faked." } }, statusCode: 400);
        }

        KeyVersion? found;
        lock (gate)
        {
            found = Find(name, version);
        }

        if (found is null)
        {
            return NotFound("KeyNotFound", name);
        }

        if (Refuse(found, operation == "wrapkey" ? "wrapKey" : "unwrapKey") is { } refused)
        {
            return refused;
        }

        var value = System.Buffers.Text.Base64Url.DecodeFromChars((string)body["value"]!);
        var rsa = (RSA)found.Key;
        byte[] result;
        try
        {
            result = operation == "wrapkey" ? rsa.Encrypt(value, RSAEncryptionPadding.OaepSHA256) : rsa.Decrypt(value, RSAEncryptionPadding.OaepSHA256);
        }
        catch (CryptographicException)
        {
            return Results.Json(new { error = new { code = "BadParameter", message = "The value could not be unwrapped with this key." } }, statusCode: 400);
        }

        Operations.AddOrUpdate(operation, 1, (_, n) => n + 1);
        return Results.Json(new { kid = $"{VaultUri}keys/{name}/{found.Version}", value = System.Buffers.Text.Base64Url.EncodeToString(result) });
    }

    private static IResult? Refuse(KeyVersion key, string operation) =>
        !key.Enabled
            ? Results.Json(new { error = new { code = "Forbidden", message = $"Operation {operation} is not allowed on a disabled key." } }, statusCode: 403)
            : !key.Ops.Contains(operation)
                ? Results.Json(new { error = new { code = "Forbidden", message = $"Operation {operation} is not permitted on this key." } }, statusCode: 403)
                : null;

    private static KeyVersion NewVersion(string kty, string[] ops) => new(
        Guid.NewGuid().ToString("N"),
        kty == "RSA" ? RSA.Create(3072) : ECDsa.Create(ECCurve.NamedCurves.nistP256),
        kty,
        ops);

    private KeyVersion? Find(string name, string? version) =>
        keys.TryGetValue(name, out var versions) && versions.Count > 0
            ? string.IsNullOrEmpty(version) ? versions[^1] : versions.FirstOrDefault(v => v.Version == version)
            : null;

    private JsonObject OperationJson(string name, Operation operation)
    {
        var json = new JsonObject
        {
            ["id"] = $"{VaultUri}certificates/{name}/pending",
            ["issuer"] = new JsonObject { ["name"] = operation.Issuer },
            ["cancellation_requested"] = false,
            ["status"] = operation.Status,
            ["status_details"] = operation.Status == "completed" ? "" : "Pending certificate created. Please Perform Merge to complete the request.",
            ["request_id"] = operation.Version,
        };
        if (operation.Csr is not null)
        {
            json["csr"] = Convert.ToBase64String(operation.Csr);
        }

        if (operation.Status == "completed")
        {
            json["target"] = $"{VaultUri}certificates/{name}";
        }

        return json;
    }

    private JsonObject BundleJson(string name, CertificateState state, CertificateVersion version)
    {
        using var certificate = X509CertificateLoader.LoadCertificate(version.Der);
        return new JsonObject
        {
            ["id"] = $"{VaultUri}certificates/{name}/{version.Version}",
            ["kid"] = $"{VaultUri}keys/{name}/{version.Version}",
            ["sid"] = $"{VaultUri}secrets/{name}/{version.Version}",
            ["x5t"] = System.Buffers.Text.Base64Url.EncodeToString(SHA1.HashData(version.Der)),
            ["cer"] = Convert.ToBase64String(version.Der),
            ["attributes"] = new JsonObject
            {
                ["enabled"] = true,
                ["nbf"] = new DateTimeOffset(certificate.NotBefore.ToUniversalTime()).ToUnixTimeSeconds(),
                ["exp"] = new DateTimeOffset(certificate.NotAfter.ToUniversalTime()).ToUnixTimeSeconds(),
                ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                ["updated"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                ["recoveryLevel"] = "Recoverable+Purgeable",
            },
            ["policy"] = state.Policy?.DeepClone(),
        };
    }

    private JsonObject KeyJson(string name, KeyVersion version)
    {
        var key = new JsonObject { ["kid"] = $"{VaultUri}keys/{name}/{version.Version}", ["kty"] = version.Kty };
        if (version.Key is RSA rsa)
        {
            var parameters = rsa.ExportParameters(false);
            key["n"] = System.Buffers.Text.Base64Url.EncodeToString(parameters.Modulus);
            key["e"] = System.Buffers.Text.Base64Url.EncodeToString(parameters.Exponent);
        }
        else
        {
            var parameters = ((ECDsa)version.Key).ExportParameters(false);
            key["crv"] = "P-256";
            key["x"] = System.Buffers.Text.Base64Url.EncodeToString(parameters.Q.X);
            key["y"] = System.Buffers.Text.Base64Url.EncodeToString(parameters.Q.Y);
        }

        key["key_ops"] = new JsonArray([.. version.Ops.Select(o => JsonValue.Create(o))]);
        return new JsonObject
        {
            ["key"] = key,
            ["attributes"] = new JsonObject { ["enabled"] = version.Enabled, ["exportable"] = false },
        };
    }

    private static IResult NotFound(string code, string name) =>
        Results.Json(new { error = new { code, message = $"{name} was not found in this fake vault." } }, statusCode: 404);

    private sealed record KeyVersion(string Version, AsymmetricAlgorithm Key, string Kty, string[] Ops, bool Enabled = true);

    private sealed record CertificateVersion(string Version, byte[] Der);

    private sealed record Operation(string Version, string Issuer, byte[]? Csr, string Status);

    private sealed class CertificateState
    {
        public List<CertificateVersion> Versions { get; } = [];

        public Operation? Operation { get; set; }

        public JsonNode? Policy { get; set; }
    }
}

using System.Security.Cryptography;

namespace CloudWg.Protocol.Jws;

/// <summary>An <see cref="IJwsSigner"/> over a local EC P-256 key (the embedded default, and nodes' report signing).</summary>
public sealed class EcdsaJwsSigner : IJwsSigner, IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly ECDsa _key;

    /// <summary>Takes ownership of <paramref name="key"/>, which must be P-256 with its private part.</summary>
    /// <param name="keyId">The <c>kid</c>; by default the key's RFC 7638 thumbprint.</param>
    public EcdsaJwsSigner(ECDsa key, string? keyId = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!Jwk.IsP256(key.ExportParameters(includePrivateParameters: false).Curve))
        {
            throw new ArgumentException("ES256 needs an EC P-256 key.", nameof(key));
        }

        keyId ??= Jwk.Thumbprint(key);
        if (!KeyIds.IsValid(keyId))
        {
            throw new ArgumentException($"The key id {KeyIds.Rule}.", nameof(keyId));
        }

        _key = key;
        KeyId = keyId;
        PublicJwk = Jwk.FromECDsa(key, keyId);
    }

    public string KeyId { get; }

    /// <summary>The public key to put in a <see cref="TrustBundle"/>.</summary>
    public Jwk PublicJwk { get; }

    /// <summary>A signer with a fresh P-256 key (not persisted).</summary>
    public static EcdsaJwsSigner Create(string? keyId = null) => new(ECDsa.Create(ECCurve.NamedCurves.nistP256), keyId);

    /// <summary>A signer over a PKCS#8 (or SEC1) PEM private key.</summary>
    public static EcdsaJwsSigner FromPem(string pem, string? keyId = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(pem);
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            return new EcdsaJwsSigner(key, keyId);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Loads the PEM key at <paramref name="path"/>, or creates it (P-256, PKCS#8, mode 0600, parent directory
    /// created 0700) when it does not exist. On Unix an existing file readable or writable by group or others is
    /// refused, like ssh does.
    /// </summary>
    /// <exception cref="InvalidOperationException">The file's permissions are too open.</exception>
    public static EcdsaJwsSigner LoadOrCreate(string path, string? keyId = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (File.Exists(path))
        {
            return Load(path, keyId);
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory) && !Directory.Exists(directory))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(directory);
            }
            else
            {
                Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            // Write a complete file under a temporary name, then link it into place without overwriting, so a
            // concurrent starter never reads a half-written key and both end up signing with the same one.
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = OwnerOnly;
            }

            using (var stream = new FileStream(temporary, options))
            using (var writer = new StreamWriter(stream))
            {
                writer.Write(key.ExportPkcs8PrivateKeyPem());
            }

            try
            {
                File.Move(temporary, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                key.Dispose();
                return Load(path, keyId);
            }

            return new EcdsaJwsSigner(key, keyId);
        }
        catch
        {
            key.Dispose();
            throw;
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>Loads an existing PEM key file, refusing one that group or others can access (Unix).</summary>
    public static EcdsaJwsSigner Load(string path, string? keyId = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(path);
            if ((mode & ~(OwnerOnly | UnixFileMode.UserExecute)) != 0)
            {
                throw new InvalidOperationException(
                    $"Key file {path} is accessible by group or others; run 'chmod 600 {path}'.");
            }
        }

        return FromPem(File.ReadAllText(path), keyId);
    }

    public ValueTask<byte[]> SignAsync(ReadOnlyMemory<byte> signingInput, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        return ValueTask.FromResult(
            _key.SignData(signingInput.Span, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
    }

    public void Dispose() => _key.Dispose();
}

using System.Security.Cryptography;
using CloudWg.Functions.Hosting;
using CloudWg.Protocol.Jws;

namespace CloudWg.Functions.Pki;

/// <summary>
/// The local config-signing keys in the state directory: <c>config-signing-key.pem</c> (current) and, during a
/// rotation (ROTATION.md), <c>config-signing-key.next.pem</c> or <c>config-signing-key.previous.pem</c>. The current key is created (0600) if no one has yet;
/// creation never replaces an existing file, so the signer and the trust bundle always agree on the key.
/// </summary>
public sealed class LocalConfigSigningKeys(StateDirectory state) : IConfigSigningKeys
{
    public const string CurrentFile = "config-signing-key.pem";
    public const string NextFile = "config-signing-key.next.pem";
    public const string PreviousFile = "config-signing-key.previous.pem";

    public Task<IReadOnlyList<ConfigSigningKey>> GetPublishedAsync(CancellationToken cancellationToken = default)
    {
        var keys = new List<ConfigSigningKey> { Read(EnsureCurrent(), ConfigSigningKey.Current) };
        foreach (var (file, status) in new[] { (NextFile, ConfigSigningKey.Next), (PreviousFile, ConfigSigningKey.Previous) })
        {
            var path = state.File(file);
            if (File.Exists(path))
            {
                keys.Add(Read(path, status));
            }
        }

        return Task.FromResult<IReadOnlyList<ConfigSigningKey>>(keys);
    }

    private string EnsureCurrent()
    {
        var path = state.File(CurrentFile);
        if (File.Exists(path))
        {
            return path;
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        try
        {
            using var stream = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
            stream.Write(System.Text.Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem()));
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another component created it first: theirs wins.
        }

        return path;
    }

    private static ConfigSigningKey Read(string path, string status)
    {
        using var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(path));
        return new ConfigSigningKey(Jwk.FromECDsa(key, Jwk.Thumbprint(key)), status);
    }
}

using System.Security.Cryptography;
using System.Text;
using CloudWg.Functions.Hosting;
using Microsoft.Extensions.Options;

namespace CloudWg.Functions.Auth;

/// <summary>
/// The data key for a single machine: <see cref="AuthOptions.EncryptionKey"/> when set, otherwise
/// <c>secrets.key</c> (0600) in the state directory, created on first use.
/// </summary>
public sealed class LocalDataKeySource(IOptions<AuthOptions> options, StateDirectory state) : IDataKeySource
{
    public const string KeyFile = "secrets.key";
    private readonly Lock gate = new();
    private byte[]? key;

    public ValueTask<byte[]> GetAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Key());

    private byte[] Key()
    {
        lock (gate)
        {
            if (key is not null)
            {
                return key;
            }

            if (!string.IsNullOrEmpty(options.Value.EncryptionKey))
            {
                return key = Convert.FromBase64String(options.Value.EncryptionKey);
            }

            var path = state.File(KeyFile);
            if (File.Exists(path))
            {
                var existing = Convert.FromBase64String(File.ReadAllText(path).Trim());
                return existing.Length == 32 ? key = existing : throw new InvalidOperationException($"{path} must hold the base64 of 32 bytes.");
            }

            var created = RandomNumberGenerator.GetBytes(32);
            state.WriteSecret(KeyFile, Encoding.ASCII.GetBytes(Convert.ToBase64String(created) + "\n"));
            return key = created;
        }
    }
}

using System.Security.Cryptography;
using System.Text;
using CloudWg.Functions.Hosting;
using Microsoft.Extensions.Options;

namespace CloudWg.Functions.Auth;

/// <summary>
/// Encrypts small secrets that must be recoverable (TOTP seeds) with AES-256-GCM before they reach storage, so a
/// copy of the storage account alone cannot mint codes. The ciphertext is bound to its owner through the
/// associated data, so moving it to another admin's row fails to decrypt.
/// </summary>
/// <remarks>
/// Chosen over ASP.NET Data Protection because its key ring would itself need shared, protected storage across
/// stateless instances; one 32-byte key is simpler to hold in Key Vault (<see cref="AuthOptions.EncryptionKey"/>)
/// and, locally, in the state directory next to the other local keys.
/// </remarks>
public sealed class SecretProtector(IOptions<AuthOptions> options, StateDirectory state)
{
    private const string KeyFile = "secrets.key";
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private static readonly Lock KeyLock = new();
    private byte[]? key;

    public string Protect(ReadOnlySpan<byte> plaintext, string purpose)
    {
        var output = new byte[NonceSize + TagSize + plaintext.Length];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(Key(), TagSize);
        aes.Encrypt(nonce, plaintext, output.AsSpan(NonceSize + TagSize), output.AsSpan(NonceSize, TagSize), Encoding.UTF8.GetBytes(purpose));
        return Convert.ToBase64String(output);
    }

    /// <summary>The plaintext, or null when the value was tampered with, belongs elsewhere or the key changed.</summary>
    public byte[]? Unprotect(string protectedValue, string purpose)
    {
        byte[] input;
        try
        {
            input = Convert.FromBase64String(protectedValue);
        }
        catch (FormatException)
        {
            return null;
        }

        if (input.Length < NonceSize + TagSize)
        {
            return null;
        }

        var plaintext = new byte[input.Length - NonceSize - TagSize];
        try
        {
            using var aes = new AesGcm(Key(), TagSize);
            aes.Decrypt(input.AsSpan(0, NonceSize), input.AsSpan(NonceSize + TagSize), input.AsSpan(NonceSize, TagSize), plaintext, Encoding.UTF8.GetBytes(purpose));
            return plaintext;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }

    private byte[] Key()
    {
        if (key is not null)
        {
            return key;
        }

        lock (KeyLock)
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
                if (existing.Length != 32)
                {
                    throw new InvalidOperationException($"{path} must hold the base64 of 32 bytes.");
                }

                return key = existing;
            }

            var created = RandomNumberGenerator.GetBytes(32);
            state.WriteSecret(KeyFile, Encoding.ASCII.GetBytes(Convert.ToBase64String(created) + "\n"));
            return key = created;
        }
    }
}

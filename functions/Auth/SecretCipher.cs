using System.Security.Cryptography;
using System.Text;

namespace CloudWg.Functions.Auth;

/// <summary>AES-256-GCM with one data key: nonce ‖ tag ‖ ciphertext, base64; the purpose is the associated data.</summary>
public sealed class SecretCipher(byte[] key)
{
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public string Protect(ReadOnlySpan<byte> plaintext, string purpose)
    {
        var output = new byte[NonceSize + TagSize + plaintext.Length];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
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
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(input.AsSpan(0, NonceSize), input.AsSpan(NonceSize + TagSize), input.AsSpan(NonceSize, TagSize), plaintext, Encoding.UTF8.GetBytes(purpose));
            return plaintext;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }
}

namespace CloudWg.Functions.Auth;

/// <summary>
/// The 32-byte data key that encrypts recoverable secrets (TOTP seeds) at rest. Every instance of the control plane
/// must get the same key, or seeds written by one cannot be read by another.
/// </summary>
public interface IDataKeySource
{
    ValueTask<byte[]> GetAsync(CancellationToken cancellationToken);
}

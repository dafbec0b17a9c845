namespace CloudWg.Functions.Pki;

/// <summary>
/// Serializes first-start CA creation across instances: the holder creates the CA, everyone else waits for it to
/// appear. Without it, two instances starting at once on an empty vault would each create (and cache) their own root.
/// </summary>
public interface ICaCreationLock
{
    /// <summary>A held lock (dispose to release), or null when another instance holds it.</summary>
    Task<IAsyncDisposable?> TryAcquireAsync(CancellationToken cancellationToken = default);
}

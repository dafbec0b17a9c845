namespace CloudWg.Functions.Pki;

/// <summary>The config-signing public keys every trust bundle carries: the current key and, during a rotation, the next.</summary>
public interface IConfigSigningKeys
{
    Task<IReadOnlyList<ConfigSigningKey>> GetPublishedAsync(CancellationToken cancellationToken = default);
}

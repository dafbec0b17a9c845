namespace CloudWg.Functions.Publishing;

public static class PublishingServiceCollectionExtensions
{
    /// <summary>
    /// Compile → sign → store → notify and the republish work. The config-signing key (<see cref="ISigningKeys"/>)
    /// comes from the PKI (<c>AddCloudWgPki</c>), local or Key Vault.
    /// </summary>
    public static IServiceCollection AddCloudWgPublishing(this IServiceCollection services)
    {
        services.AddSingleton<PublicationStore>();
        services.AddSingleton<SnapshotLoader>();
        services.AddSingleton<DesiredStateBlobs>();
        services.AddSingleton<NodePublisher>();
        services.AddSingleton<INodePublisher>(sp => sp.GetRequiredService<NodePublisher>());
        services.AddSingleton<Republisher>();
        return services;
    }
}

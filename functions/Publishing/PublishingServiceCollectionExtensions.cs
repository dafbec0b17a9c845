namespace CloudWg.Functions.Publishing;

public static class PublishingServiceCollectionExtensions
{
    /// <summary>
    /// Compile → sign → store → notify, the republish work, and the config-signing key. The key is registered
    /// here and nowhere else: to move it to Key Vault, register another <see cref="ISigningKeys"/>.
    /// </summary>
    public static IServiceCollection AddCloudWgPublishing(this IServiceCollection services)
    {
        services.AddSingleton<ISigningKeys, LocalSigningKeys>();
        services.AddSingleton<PublicationStore>();
        services.AddSingleton<SnapshotLoader>();
        services.AddSingleton<DesiredStateBlobs>();
        services.AddSingleton<NodePublisher>();
        services.AddSingleton<INodePublisher>(sp => sp.GetRequiredService<NodePublisher>());
        services.AddSingleton<Republisher>();
        return services;
    }
}

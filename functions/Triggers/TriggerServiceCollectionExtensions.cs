namespace CloudWg.Functions.Triggers;

public static class TriggerServiceCollectionExtensions
{
    /// <summary>The local trigger host (it stands down under the Functions host).</summary>
    public static IServiceCollection AddCloudWgTriggers(this IServiceCollection services)
    {
        services.AddOptions<TriggerOptions>().BindConfiguration(TriggerOptions.Section);
        services.AddHostedService<LocalTriggerHost>();
        return services;
    }
}

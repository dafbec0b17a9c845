namespace CloudWg.Functions.Reports;

public static class ReportsServiceCollectionExtensions
{
    /// <summary>Report ingest (queue trigger + local listener), node runtime status and offline detection.</summary>
    public static IServiceCollection AddCloudWgReports(this IServiceCollection services)
    {
        services.AddOptions<ReportOptions>().BindConfiguration(ReportOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<NodeRuntimeStore>();
        services.AddSingleton<IngestCounters>();
        services.AddSingleton<ReportIngestor>();
        services.AddSingleton<OfflineDetector>();
        services.AddHostedService<LocalReportListener>();
        return services;
    }
}

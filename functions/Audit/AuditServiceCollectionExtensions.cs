namespace CloudWg.Functions.Audit;

public static class AuditServiceCollectionExtensions
{
    public static IServiceCollection AddCloudWgAudit(this IServiceCollection services) =>
        services.AddSingleton<IAuditLog, TableAuditLog>();
}

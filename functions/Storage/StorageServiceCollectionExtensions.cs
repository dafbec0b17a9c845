using Azure.Identity;

namespace CloudWg.Functions.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>Registers <see cref="StorageClients"/> from <c>AzureWebJobsStorage</c> (connection string or identity-based).</summary>
    public static IServiceCollection AddCloudWgStorage(this IServiceCollection services, IConfiguration configuration)
    {
        var options = new StorageOptions();
        var setting = configuration.GetSection("AzureWebJobsStorage");
        options.ConnectionString = setting.Value;
        options.AccountName = setting["accountName"];
        options.TableServiceUri = Uri(setting["tableServiceUri"]);
        options.QueueServiceUri = Uri(setting["queueServiceUri"]);
        options.BlobServiceUri = Uri(setting["blobServiceUri"]);
        configuration.GetSection("CloudWg:Storage").Bind(options);
        var validation = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        if (!System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), validation, validateAllProperties: true))
        {
            throw new InvalidOperationException(string.Join(" ", validation.Select(v => v.ErrorMessage)));
        }

        services.AddSingleton(options);
        services.AddSingleton(sp => string.IsNullOrWhiteSpace(options.ConnectionString)
            ? new StorageClients(options, new DefaultAzureCredential())
            : new StorageClients(options));
        services.AddSingleton(sp => sp.GetRequiredService<StorageClients>().Names);
        services.AddSingleton<StorageInitializer>();
        services.AddHostedService(sp => sp.GetRequiredService<StorageInitializer>());
        return services;
    }

    private static Uri? Uri(string? value) => string.IsNullOrWhiteSpace(value) ? null : new Uri(value);
}

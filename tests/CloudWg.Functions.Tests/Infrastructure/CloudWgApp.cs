using CloudWg.Tests.Shared;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CloudWg.Functions.Tests.Infrastructure;

/// <summary>
/// The real control plane in process (real routing, real storage via Azurite), isolated by a fresh storage
/// prefix and state directory. Extra settings override the defaults; <paramref name="services"/> replaces services
/// that talk to something a test fakes (Key Vault's credential and transport).
/// </summary>
public sealed class CloudWgApp(
    string storageConnectionString, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null) : WebApplicationFactory<Program>
{
    public string Prefix { get; } = Azurite.NewPrefix();

    public string StateDirectory { get; } = Directory.CreateTempSubdirectory("cloudwg-state-").FullName;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("AzureWebJobsStorage", storageConnectionString);
        builder.UseSetting("CloudWg:Storage:Prefix", Prefix);
        builder.UseSetting("CloudWg:StateDirectory", StateDirectory);
        builder.UseSetting("CloudWg:SpaDirectory", Path.Combine(StateDirectory, "no-spa"));
        // Tests drive the timer handlers themselves; a local timer firing mid-test would race them.
        builder.UseSetting("CloudWg:Triggers:LocalTimers", "false");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }

        if (services is not null)
        {
            builder.ConfigureServices(services);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Directory.Delete(StateDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A straggling file handle; the temp directory is harmless.
        }
    }
}

using System.Net.Http.Headers;
using CloudWg.Functions.Auth;
using CloudWg.Functions.Storage;
using CloudWg.Tests.Shared;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CloudWg.Functions.Tests.Infrastructure;

/// <summary>
/// The control plane for fleet tests: <see cref="CloudWgApp"/> (isolated storage prefix and state directory) with
/// local timers off (tests drive the timer handlers themselves), the test-only authentication scheme, and
/// optionally a fake clock.
/// </summary>
public sealed class FleetApp : IAsyncDisposable
{
    private readonly CloudWgApp inner;

    private FleetApp(AzuriteFixture azurite, TimeProvider? time = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?> { ["CloudWg:Triggers:LocalTimers"] = "false" };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        inner = new CloudWgApp(azurite.ConnectionString, all);
        Factory = inner.WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
        {
            services.AddAuthentication(TestAuthentication.SchemeName).AddScheme<AuthenticationSchemeOptions, TestAuthentication>(TestAuthentication.SchemeName, null);
            if (time is not null)
            {
                services.RemoveAll<TimeProvider>();
                services.AddSingleton(time);
            }
        }));
    }

    public WebApplicationFactory<Program> Factory { get; }

    public IServiceProvider Services => Factory.Services;

    public StorageClients Storage => Services.GetRequiredService<StorageClients>();

    public string StateDirectory => inner.StateDirectory;

    /// <summary>The storage-name prefix: another app started with it (and this state directory) is a second instance.</summary>
    public string Prefix => inner.Prefix;

    public T Get<T>()
        where T : notnull => Services.GetRequiredService<T>();

    /// <summary>A client authenticated as <paramref name="user"/> with <paramref name="role"/>.</summary>
    public HttpClient Client(string role = Roles.Admin, string user = "alice")
    {
        var client = Factory.CreateClient();
        client.DefaultRequestHeaders.Add(TestAuthentication.Header, $"{user};{role}");
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }

    /// <summary>A client without credentials.</summary>
    public HttpClient Anonymous() => Factory.CreateClient();

    /// <summary>Starts the app and creates its tables, queue and container before the test's first request.</summary>
    /// <param name="kestrel">Serve through real Kestrel on a free loopback port instead of the in-memory test server.</param>
    public static async Task<FleetApp> StartAsync(AzuriteFixture azurite, TimeProvider? time = null, IReadOnlyDictionary<string, string?>? settings = null, bool kestrel = false)
    {
        var app = new FleetApp(azurite, time, settings);
        if (kestrel)
        {
            app.Factory.UseKestrel(0);
            app.Factory.StartServer();
        }
        else
        {
            _ = app.Factory.Server;
        }

        await StorageInitializer.EnsureCreatedAsync(app.Storage, CancellationToken.None);
        return app;
    }

    public async ValueTask DisposeAsync()
    {
        await Factory.DisposeAsync();
        await inner.DisposeAsync();
    }
}

using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using CloudWg.Functions.Pki;
using CloudWg.Functions.Storage;
using CloudWg.Tests.Shared;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CloudWg.Functions.Tests.Pki;

/// <summary>
/// The control plane on a real Kestrel HTTPS port on loopback (TestServer cannot do TLS, and agent endpoints need
/// mutual TLS), with a fresh storage prefix and state directory, a <see cref="FakeTimeProvider"/> starting now, and
/// the TEST-ONLY header scheme of <see cref="Infrastructure.TestAuthentication"/> (admins get the admin role).
/// </summary>
public sealed class PkiApp : WebApplicationFactory<Program>
{
    private readonly string storageConnectionString;
    private readonly IReadOnlyDictionary<string, string?> settings;
    private readonly Action<IServiceCollection>? services;

    public PkiApp(string storageConnectionString, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        this.storageConnectionString = storageConnectionString;
        this.settings = settings ?? new Dictionary<string, string?>();
        this.services = services;
        UseKestrel();
    }

    public string Prefix { get; } = Azurite.NewPrefix();

    public string StateDirectory { get; } = Directory.CreateTempSubdirectory("cloudwg-pki-").FullName;

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public Uri BaseAddress { get; private set; } = null!;

    public StorageClients Storage => Services.GetRequiredService<StorageClients>();

    /// <summary>Starts the server, creates storage, and returns this.</summary>
    public async Task<PkiApp> StartAsync()
    {
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseAddress = new Uri(addresses.First(a => a.StartsWith("https://", StringComparison.Ordinal)));
        await StorageInitializer.EnsureCreatedAsync(Storage, CancellationToken.None);
        return this;
    }

    /// <summary>A client that trusts only the fleet's root for the server, optionally presenting a client certificate.</summary>
    public HttpClient NewClient(X509Certificate2? clientCertificate = null, string? admin = null)
    {
        var ca = Services.GetRequiredService<ICertificateAuthority>().GetCertificatesAsync().GetAwaiter().GetResult();
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = clientCertificate is null ? null : [clientCertificate],
                LocalCertificateSelectionCallback = clientCertificate is null ? null : (_, _, _, _, _) => clientCertificate,
                CertificateChainPolicy = new X509ChainPolicy
                {
                    TrustMode = X509ChainTrustMode.CustomRootTrust,
                    CustomTrustStore = { ca.Root },
                    ExtraStore = { ca.Fleet },
                    RevocationMode = X509RevocationMode.NoCheck,
                },
            },
        };
        var client = new HttpClient(handler) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (admin is not null)
        {
            client.DefaultRequestHeaders.Add(Infrastructure.TestAuthentication.Header, $"{admin};{CloudWg.Functions.Auth.Roles.Admin}");
        }

        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }

    /// <summary>Creates a node entity the way the nodes store keys it (PartitionKey = id, RowKey = "node").</summary>
    public async Task<string> CreateNodeAsync(string? id = null)
    {
        id ??= "n" + Guid.NewGuid().ToString("N")[..10];
        await Storage.Table("nodes").AddEntityAsync(new TableEntity(id, CloudWg.Functions.Enrollment.TableNodeDirectory.NodeRowKey) { ["Name"] = id });
        return id;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("urls", "https://127.0.0.1:0");
        builder.UseSetting("AzureWebJobsStorage", storageConnectionString);
        builder.UseSetting("CloudWg:Storage:Prefix", Prefix);
        builder.UseSetting("CloudWg:StateDirectory", StateDirectory);
        builder.UseSetting("CloudWg:SpaDirectory", Path.Combine(StateDirectory, "no-spa"));
        // Tests drive the timer handlers themselves; a local timer firing as the fake clock advances would race them.
        builder.UseSetting("CloudWg:Triggers:LocalTimers", "false");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(s =>
        {
            s.AddSingleton<TimeProvider>(Time);
            s.AddAuthentication(Infrastructure.TestAuthentication.SchemeName)
                .AddScheme<AuthenticationSchemeOptions, Infrastructure.TestAuthentication>(Infrastructure.TestAuthentication.SchemeName, null);
            services?.Invoke(s);
        });
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

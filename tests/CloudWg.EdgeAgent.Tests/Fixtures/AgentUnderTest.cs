using CloudWg.EdgeAgent.Enrollment;
using CloudWg.EdgeAgent.Hosting;
using CloudWg.EdgeAgent.Inbox;
using CloudWg.EdgeAgent.Reconcile;
using CloudWg.EdgeAgent.State;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CloudWg.EdgeAgent.Tests.Fixtures;

/// <summary>
/// The agent's core services built in-process over a temporary state directory, already "enrolled"
/// (trust bundle pinned, SAS grants stored) so the inbox can be driven directly.
/// </summary>
public sealed class AgentUnderTest : IDisposable
{
    private readonly TempDirectory dir = new();

    public AgentUnderTest(TestSigner signer, AgentEnrollment? enrollment, Dictionary<string, string?>? overrides = null, IDataPlaneDriver? driver = null)
    {
        Settings = new AgentHostSettings { StateDirectory = Path.Combine(dir.Path, "state"), ConfigFile = null, Overrides = overrides ?? [] };
        Services = AgentHost.BuildCore(Settings, services =>
        {
            services.RemoveAll<IDataPlaneDriver>();
            services.AddSingleton(driver ?? Driver);
        });
        if (enrollment is not null)
        {
            Identity.SaveTrustBundle(signer.TrustBundle);
            Identity.SaveEnrollment(enrollment);
        }
    }

    public AgentHostSettings Settings { get; }

    public ServiceProvider Services { get; }

    public RecordingDriver Driver { get; } = new();

    public AgentStateStore Store => Services.GetRequiredService<AgentStateStore>();

    public NodeIdentityStore Identity => Services.GetRequiredService<NodeIdentityStore>();

    public DesiredStateIntake Intake => Services.GetRequiredService<DesiredStateIntake>();

    public InboxService Inbox => ActivatorUtilities.CreateInstance<InboxService>(Services);

    public Reconciler Reconciler => Services.GetRequiredService<Reconciler>();

    public long Rejections(string reason) => Store.GetRejections().FirstOrDefault(r => r.Reason == reason)?.Count ?? 0;

    public void Dispose()
    {
        Services.Dispose();
        SqliteConnection.ClearAllPools();
        dir.Dispose();
    }
}

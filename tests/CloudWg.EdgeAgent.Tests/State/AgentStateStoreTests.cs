using CloudWg.EdgeAgent.State;
using CloudWg.EdgeAgent.Tests.Fixtures;
using Microsoft.Data.Sqlite;

namespace CloudWg.EdgeAgent.Tests.State;

public sealed class AgentStateStoreTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        dir.Dispose();
    }

    private static StoredDesiredState Doc(long version) =>
        new(version, "node-1", $"jws-{version}", $"{{\"version\":{version}}}", "abc", "queue", DateTimeOffset.UnixEpoch.AddSeconds(version));

    [Fact]
    public void Creates_a_wal_database_at_the_latest_schema_with_private_permissions()
    {
        var stateDir = Path.Combine(dir.Path, "state");
        var store = AgentStateStore.Open(stateDir);

        Assert.Equal(Migrations.Latest, store.SchemaVersion());
        Assert.Equal(StateDirectory.DirectoryMode, File.GetUnixFileMode(stateDir));
        Assert.Equal(StateDirectory.SecretFileMode, File.GetUnixFileMode(store.DatabasePath));
        using var connection = new SqliteConnection($"Data Source={store.DatabasePath}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", command.ExecuteScalar());
    }

    [Fact]
    public void Reopening_keeps_data_and_does_not_rerun_migrations()
    {
        var first = AgentStateStore.Open(dir.Path);
        first.SetSetting("a", "1");
        first.SaveAccepted(Doc(3));
        SqliteConnection.ClearAllPools();

        var second = AgentStateStore.Open(dir.Path);
        Assert.Equal("1", second.GetSetting("a"));
        Assert.Equal(3, second.GetLatestAccepted()!.Version);
        Assert.Equal(Migrations.Latest, second.SchemaVersion());
    }

    [Fact]
    public void Keeps_only_the_newest_accepted_states()
    {
        var store = AgentStateStore.Open(dir.Path);
        for (var v = 1; v <= AgentStateStore.KeptDesiredStates + 5; v++)
        {
            store.SaveAccepted(Doc(v));
        }

        var versions = store.GetAcceptedVersions();
        Assert.Equal(AgentStateStore.KeptDesiredStates, versions.Count);
        Assert.Equal(AgentStateStore.KeptDesiredStates + 5, versions[0]);
        Assert.Equal("jws-15", store.GetLatestAccepted()!.Jws);
    }

    [Fact]
    public void Versions_reports_and_rejections_round_trip()
    {
        var store = AgentStateStore.Open(dir.Path);
        Assert.Equal(0, store.GetLastAcceptedVersion());
        store.SetLastAcceptedVersion(7);
        store.SetAppliedVersion(6);
        Assert.Equal((7L, 6L), (store.GetLastAcceptedVersion(), store.GetAppliedVersion()));

        store.EnqueueReport("r1", DateTimeOffset.UnixEpoch);
        store.EnqueueReport("r2", DateTimeOffset.UnixEpoch);
        var pending = store.PeekReports(10);
        Assert.Equal(["r1", "r2"], pending.Select(r => r.Body));
        store.DeleteReport(pending[0].Id);
        Assert.Equal(1, store.CountPendingReports());

        store.CountRejection("signature", "bad sig", DateTimeOffset.UnixEpoch);
        store.CountRejection("signature", "bad sig 2", DateTimeOffset.UnixEpoch.AddSeconds(1));
        store.CountRejection("foreign-node", "for node-2", DateTimeOffset.UnixEpoch);
        var rejections = store.GetRejections();
        Assert.Equal([("foreign-node", 1L), ("signature", 2L)], rejections.Select(r => (r.Reason, r.Count)));
        Assert.Equal("bad sig 2", rejections[1].LastDetail);

        store.AddReconcile(new ReconcileRecord(DateTimeOffset.UnixEpoch, 7, "document", "applied", "peer added"));
        Assert.Equal("applied", store.GetRecentReconciles(5).Single().Outcome);
    }

    [Fact]
    public void Secret_files_are_written_0600()
    {
        var path = Path.Combine(dir.Path, "key");
        StateDirectory.WriteSecret(path, "secret");
        Assert.Equal(StateDirectory.SecretFileMode, File.GetUnixFileMode(path));
        Assert.Equal("secret", File.ReadAllText(path));
    }
}

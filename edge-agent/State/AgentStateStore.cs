using System.Globalization;
using Microsoft.Data.Sqlite;

namespace CloudWg.EdgeAgent.State;

/// <summary>
/// The agent's SQLite cache (WAL): settings (trust bundle, credential metadata), the last accepted
/// desired states, the applied version, reconcile history, pending reports and rejection counters.
/// Everything the agent needs to run with the control plane unreachable lives here.
/// </summary>
public sealed class AgentStateStore
{
    public const string FileName = "agent.db";

    /// <summary>How many accepted documents are kept (the newest is the one applied).</summary>
    public const int KeptDesiredStates = 10;

    /// <summary>How many reconcile outcomes are kept for status and reports.</summary>
    public const int KeptReconciles = 200;

    /// <summary>Pending reports beyond this are dropped oldest first, so a long outage cannot fill the disk.</summary>
    public const int MaxPendingReports = 5000;

    private readonly string connectionString;

    private AgentStateStore(string path)
    {
        DatabasePath = path;
        connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ToString();
    }

    public string DatabasePath { get; }

    /// <summary>Opens (creating and migrating when needed) the store in <paramref name="stateDirectory"/>.</summary>
    public static AgentStateStore Open(string stateDirectory)
    {
        StateDirectory.Ensure(stateDirectory);
        var store = new AgentStateStore(Path.Combine(stateDirectory, FileName));
        using (var connection = store.Connect())
        {
            Execute(connection, "PRAGMA journal_mode=WAL;");
            Migrations.Apply(connection);
        }

        foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
        {
            StateDirectory.RestrictFile(store.DatabasePath + suffix);
        }

        return store;
    }

    public int SchemaVersion()
    {
        using var connection = Connect();
        return Migrations.CurrentVersion(connection);
    }

    public string? GetSetting(string key)
    {
        using var connection = Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT value FROM settings WHERE key = $key";
        command.Parameters.AddWithValue("$key", key);
        return command.ExecuteScalar() as string;
    }

    public void SetSetting(string key, string? value)
    {
        using var connection = Connect();
        using var command = connection.CreateCommand();
        if (value is null)
        {
            command.CommandText = "DELETE FROM settings WHERE key = $key";
        }
        else
        {
            command.CommandText = "INSERT INTO settings(key, value) VALUES($key, $value) ON CONFLICT(key) DO UPDATE SET value = excluded.value";
            command.Parameters.AddWithValue("$value", value);
        }

        command.Parameters.AddWithValue("$key", key);
        command.ExecuteNonQuery();
    }

    /// <summary>Records an accepted document and keeps only the newest <see cref="KeptDesiredStates"/>.</summary>
    public void SaveAccepted(StoredDesiredState state)
    {
        using var connection = Connect();
        using var tx = connection.BeginTransaction();
        using (var insert = connection.CreateCommand())
        {
            insert.CommandText = """
                INSERT INTO desired_states(version, node_id, jws, payload, sha256, source, received_at)
                VALUES($version, $node, $jws, $payload, $sha, $source, $at)
                ON CONFLICT(version) DO NOTHING
                """;
            insert.Parameters.AddWithValue("$version", state.Version);
            insert.Parameters.AddWithValue("$node", state.NodeId);
            insert.Parameters.AddWithValue("$jws", state.Jws);
            insert.Parameters.AddWithValue("$payload", state.Payload);
            insert.Parameters.AddWithValue("$sha", state.Sha256);
            insert.Parameters.AddWithValue("$source", state.Source);
            insert.Parameters.AddWithValue("$at", Iso(state.ReceivedAt));
            insert.ExecuteNonQuery();
        }

        using (var prune = connection.CreateCommand())
        {
            prune.CommandText = "DELETE FROM desired_states WHERE version NOT IN (SELECT version FROM desired_states ORDER BY version DESC LIMIT $keep)";
            prune.Parameters.AddWithValue("$keep", KeptDesiredStates);
            prune.ExecuteNonQuery();
        }

        tx.Commit();
    }

    public StoredDesiredState? GetLatestAccepted()
    {
        using var connection = Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT version, node_id, jws, payload, sha256, source, received_at FROM desired_states ORDER BY version DESC LIMIT 1";
        using var reader = command.ExecuteReader();
        return reader.Read()
            ? new StoredDesiredState(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5), Parse(reader.GetString(6)))
            : null;
    }

    public IReadOnlyList<long> GetAcceptedVersions()
    {
        using var connection = Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT version FROM desired_states ORDER BY version DESC";
        using var reader = command.ExecuteReader();
        var versions = new List<long>();
        while (reader.Read())
        {
            versions.Add(reader.GetInt64(0));
        }

        return versions;
    }

    /// <summary>The highest version ever accepted (0 when none); documents at or below it are not accepted again.</summary>
    public long GetLastAcceptedVersion() => long.Parse(GetSetting(SettingKeys.LastAcceptedVersion) ?? "0", CultureInfo.InvariantCulture);

    public void SetLastAcceptedVersion(long version) => SetSetting(SettingKeys.LastAcceptedVersion, version.ToString(CultureInfo.InvariantCulture));

    /// <summary>The version whose reconcile last succeeded on every driver (0 when none).</summary>
    public long GetAppliedVersion() => long.Parse(GetSetting(SettingKeys.AppliedVersion) ?? "0", CultureInfo.InvariantCulture);

    public void SetAppliedVersion(long version) => SetSetting(SettingKeys.AppliedVersion, version.ToString(CultureInfo.InvariantCulture));

    public void AddReconcile(ReconcileRecord record)
    {
        using var connection = Connect();
        using var tx = connection.BeginTransaction();
        using (var insert = connection.CreateCommand())
        {
            insert.CommandText = "INSERT INTO reconcile_history(at, version, trigger, outcome, detail) VALUES($at, $version, $trigger, $outcome, $detail)";
            insert.Parameters.AddWithValue("$at", Iso(record.At));
            insert.Parameters.AddWithValue("$version", record.Version);
            insert.Parameters.AddWithValue("$trigger", record.Trigger);
            insert.Parameters.AddWithValue("$outcome", record.Outcome);
            insert.Parameters.AddWithValue("$detail", record.Detail);
            insert.ExecuteNonQuery();
        }

        using (var prune = connection.CreateCommand())
        {
            prune.CommandText = "DELETE FROM reconcile_history WHERE id <= (SELECT max(id) FROM reconcile_history) - $keep";
            prune.Parameters.AddWithValue("$keep", KeptReconciles);
            prune.ExecuteNonQuery();
        }

        tx.Commit();
    }

    public IReadOnlyList<ReconcileRecord> GetRecentReconciles(int count)
    {
        using var connection = Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT at, version, trigger, outcome, detail FROM reconcile_history ORDER BY id DESC LIMIT $n";
        command.Parameters.AddWithValue("$n", count);
        using var reader = command.ExecuteReader();
        var list = new List<ReconcileRecord>();
        while (reader.Read())
        {
            list.Add(new ReconcileRecord(Parse(reader.GetString(0)), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetString(4)));
        }

        return list;
    }

    public void EnqueueReport(string body, DateTimeOffset at)
    {
        using var connection = Connect();
        using var tx = connection.BeginTransaction();
        using (var insert = connection.CreateCommand())
        {
            insert.CommandText = "INSERT INTO pending_reports(created_at, body) VALUES($at, $body)";
            insert.Parameters.AddWithValue("$at", Iso(at));
            insert.Parameters.AddWithValue("$body", body);
            insert.ExecuteNonQuery();
        }

        using (var prune = connection.CreateCommand())
        {
            prune.CommandText = "DELETE FROM pending_reports WHERE id <= (SELECT max(id) FROM pending_reports) - $keep";
            prune.Parameters.AddWithValue("$keep", MaxPendingReports);
            prune.ExecuteNonQuery();
        }

        tx.Commit();
    }

    public IReadOnlyList<PendingReport> PeekReports(int count)
    {
        using var connection = Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, created_at, body FROM pending_reports ORDER BY id LIMIT $n";
        command.Parameters.AddWithValue("$n", count);
        using var reader = command.ExecuteReader();
        var list = new List<PendingReport>();
        while (reader.Read())
        {
            list.Add(new PendingReport(reader.GetInt64(0), Parse(reader.GetString(1)), reader.GetString(2)));
        }

        return list;
    }

    public int CountPendingReports()
    {
        using var connection = Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM pending_reports";
        return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    public void DeleteReport(long id)
    {
        using var connection = Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM pending_reports WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        command.ExecuteNonQuery();
    }

    /// <summary>Counts one rejected input under <paramref name="reason"/>, keeping the latest detail.</summary>
    public void CountRejection(string reason, string detail, DateTimeOffset at)
    {
        using var connection = Connect();
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO rejections(reason, count, last_at, last_detail) VALUES($reason, 1, $at, $detail)
            ON CONFLICT(reason) DO UPDATE SET count = count + 1, last_at = excluded.last_at, last_detail = excluded.last_detail
            """;
        command.Parameters.AddWithValue("$reason", reason);
        command.Parameters.AddWithValue("$at", Iso(at));
        command.Parameters.AddWithValue("$detail", detail.Length > 500 ? detail[..500] : detail);
        command.ExecuteNonQuery();
    }

    public IReadOnlyList<RejectionCounter> GetRejections()
    {
        using var connection = Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT reason, count, last_at, last_detail FROM rejections ORDER BY reason";
        using var reader = command.ExecuteReader();
        var list = new List<RejectionCounter>();
        while (reader.Read())
        {
            list.Add(new RejectionCounter(reader.GetString(0), reader.GetInt64(1), Parse(reader.GetString(2)), reader.GetString(3)));
        }

        return list;
    }

    private SqliteConnection Connect()
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        return connection;
    }

    internal static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset Parse(string at) => DateTimeOffset.Parse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}

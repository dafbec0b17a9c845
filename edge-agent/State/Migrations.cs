using Microsoft.Data.Sqlite;

namespace CloudWg.EdgeAgent.State;

/// <summary>
/// Versioned schema migrations. Each entry runs once, in order, inside a transaction, and is recorded
/// in <c>schema_migrations</c>. Never edit a shipped migration; append a new one.
/// </summary>
public static class Migrations
{
    private static readonly string[] Steps =
    [
        // 1: initial schema
        """
        CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE desired_states(
            version INTEGER PRIMARY KEY, node_id TEXT NOT NULL, jws TEXT NOT NULL, payload TEXT NOT NULL,
            sha256 TEXT NOT NULL, source TEXT NOT NULL, received_at TEXT NOT NULL);
        CREATE TABLE reconcile_history(
            id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, version INTEGER NOT NULL,
            trigger TEXT NOT NULL, outcome TEXT NOT NULL, detail TEXT NOT NULL);
        CREATE TABLE pending_reports(id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT NOT NULL, body TEXT NOT NULL);
        CREATE TABLE rejections(reason TEXT PRIMARY KEY, count INTEGER NOT NULL, last_at TEXT NOT NULL, last_detail TEXT NOT NULL);
        """,
    ];

    public static int Latest => Steps.Length;

    public static void Apply(SqliteConnection connection)
    {
        AgentStateStore.Execute(connection, "CREATE TABLE IF NOT EXISTS schema_migrations(version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)");
        var current = CurrentVersion(connection);
        if (current > Steps.Length)
        {
            throw new InvalidOperationException($"The state database has schema {current}, newer than this agent understands ({Steps.Length}); upgrade the agent.");
        }

        for (var version = current + 1; version <= Steps.Length; version++)
        {
            using var tx = connection.BeginTransaction();
            using (var step = connection.CreateCommand())
            {
                step.Transaction = tx;
                step.CommandText = Steps[version - 1];
                step.ExecuteNonQuery();
            }

            using (var record = connection.CreateCommand())
            {
                record.Transaction = tx;
                record.CommandText = "INSERT INTO schema_migrations(version, applied_at) VALUES($v, datetime('now'))";
                record.Parameters.AddWithValue("$v", version);
                record.ExecuteNonQuery();
            }

            tx.Commit();
        }
    }

    public static int CurrentVersion(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT coalesce(max(version), 0) FROM schema_migrations";
        return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}

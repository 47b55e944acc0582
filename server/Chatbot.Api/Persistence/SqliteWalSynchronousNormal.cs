using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Chatbot.Api.Persistence;

/// <summary>
/// Sets <c>PRAGMA synchronous=NORMAL</c> on every SQLite connection (it is a per-connection setting). In WAL mode
/// (<see cref="DatabaseMigrator"/>) SQLite's own advice: a commit no longer waits for an fsync, only checkpoints do.
/// The database stays consistent after a crash of the process or the machine; a power loss may roll back the last
/// commits. With every write serialised (<c>DatabaseWriteGate</c>), the fsync per question and per answer was what
/// customers queued behind under load. Deployments that need every commit on disk run on PostgreSQL.
/// </summary>
internal sealed class SqliteWalSynchronousNormal : DbConnectionInterceptor
{
    public const string Pragma = "PRAGMA synchronous=NORMAL;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragma;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragma;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

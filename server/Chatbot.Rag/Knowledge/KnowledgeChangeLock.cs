using System.Diagnostics;
using Npgsql;

namespace Chatbot.Rag.Knowledge;

/// <summary>
/// The one lock every change of the knowledge base (sync, put, delete) takes, so that one change runs at a time for
/// everyone who shares the store: one process for the embedded store, every process on the database for pgvector
/// (two AI instances during a rolling update, or <c>chatbot ingest</c> run beside them).
/// </summary>
public interface IKnowledgeChangeLock
{
    /// <summary>Waits up to <paramref name="wait"/> for the lock; the held lock, or null when another change kept it.</summary>
    Task<IAsyncDisposable?> TryEnterAsync(TimeSpan wait, CancellationToken cancellationToken);
}

/// <summary>The lock of a store only this process writes (the embedded store's file).</summary>
public sealed class ProcessKnowledgeChangeLock : IKnowledgeChangeLock, IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<IAsyncDisposable?> TryEnterAsync(TimeSpan wait, CancellationToken cancellationToken) =>
        await _gate.WaitAsync(wait, cancellationToken) ? new Held(_gate) : null;

    public void Dispose() => _gate.Dispose();

    private sealed class Held(SemaphoreSlim gate) : IAsyncDisposable
    {
        private int _released;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }

            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>
/// The lock of a store on PostgreSQL: this process's gate, then a session advisory lock held on a connection of its
/// own for the whole change. The connection is not pooled, so closing it (or losing it) always ends the session and
/// frees the lock; a process that dies cannot leave the knowledge base locked.
/// </summary>
public sealed class PostgresKnowledgeChangeLock : IKnowledgeChangeLock, IDisposable
{
    /// <summary>The advisory lock's key ("KNOWLDGE"); one-key locks do not share a key space with the store's two-key document locks.</summary>
    public const long AdvisoryKey = 0x4B4E4F574C444745;

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    private readonly ProcessKnowledgeChangeLock _process = new();
    private readonly string _connectionString;

    public PostgresKnowledgeChangeLock(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        _connectionString = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;
    }

    public async Task<IAsyncDisposable?> TryEnterAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var local = await _process.TryEnterAsync(wait, cancellationToken);
        if (local is null)
        {
            return null;
        }

        NpgsqlConnection? connection = null;
        try
        {
            connection = new NpgsqlConnection(_connectionString);
            await connection.OpenAsync(cancellationToken);
            while (!await TryLockAsync(connection, cancellationToken))
            {
                var left = wait - clock.Elapsed;
                if (left <= TimeSpan.Zero)
                {
                    await connection.DisposeAsync();
                    await local.DisposeAsync();
                    return null;
                }

                await Task.Delay(left < Poll ? left : Poll, cancellationToken);
            }

            return new Held(connection, local);
        }
        catch
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }

            await local.DisposeAsync();
            throw;
        }
    }

    public void Dispose() => _process.Dispose();

    private static async Task<bool> TryLockAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", connection);
        command.Parameters.AddWithValue("key", AdvisoryKey);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private sealed class Held(NpgsqlConnection connection, IAsyncDisposable local) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            // Closing the unpooled connection ends the session, which releases the advisory lock.
            await connection.DisposeAsync();
            await local.DisposeAsync();
        }
    }
}

namespace Chatbot.Data;

/// <summary>
/// Queues this process's chat writes when the database is SQLite. SQLite takes one writer at a time, and
/// Microsoft.Data.Sqlite waits for a busy database by putting the calling thread to sleep in 150 ms steps; under a few
/// hundred concurrent customers those sleeping writers held most thread-pool threads, so Kestrel and SignalR stalled
/// (seconds to first token, connections timing out; see the load benchmark). Here a writer waits asynchronously
/// instead, without a thread. PostgreSQL takes concurrent writers itself: there the gate lets everyone through.
/// </summary>
public sealed class DatabaseWriteGate : IDisposable
{
    private static readonly IDisposable Open = new Nothing();

    private readonly SemaphoreSlim? gate;
    private readonly IDisposable release;

    public DatabaseWriteGate(bool serializeWrites)
    {
        gate = serializeWrites ? new SemaphoreSlim(1, 1) : null;
        release = gate is null ? Open : new Release(gate);
    }

    /// <summary>Waits for this process's turn to write; dispose the result to pass the turn on.</summary>
    public async ValueTask<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        if (gate is not null)
        {
            await gate.WaitAsync(cancellationToken);
        }

        return release;
    }

    public void Dispose() => gate?.Dispose();

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        public void Dispose() => gate.Release();
    }

    private sealed class Nothing : IDisposable
    {
        public void Dispose()
        {
        }
    }
}

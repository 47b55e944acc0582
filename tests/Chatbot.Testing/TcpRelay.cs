using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Chatbot.Testing;

/// <summary>
/// A loopback TCP relay in front of a server, so a test can cut the network the way a train tunnel does: open
/// connections drop and new ones are refused until <see cref="Restore"/>. Bytes pass through unchanged. It also keeps
/// the request lines clients send (<see cref="RequestLines"/>), which is what a proxy's access log records.
/// </summary>
public sealed partial class TcpRelay : IAsyncDisposable
{
    // Enough for a test's traffic; past it the relay stops recording rather than growing without bound.
    private const int MaxRecordedChars = 8 * 1024 * 1024;
    private readonly List<StringBuilder> upstream = [];
    private int recordedChars;
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint target;
    private readonly CancellationTokenSource stopping = new();
    private readonly Lock gate = new();
    private readonly List<TcpClient> open = [];
    private readonly Task accepting;
    private byte[]? cutAfterServerSends;
    private volatile bool cut;

    public TcpRelay(Uri server)
    {
        ArgumentNullException.ThrowIfNull(server);
        target = new IPEndPoint(IPAddress.Parse(server.Host), server.Port);
        listener.Start();
        BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/");
        accepting = AcceptAsync();
    }

    /// <summary>The relay's address; talk to it instead of the server.</summary>
    public Uri BaseAddress { get; }

    public bool IsCut => cut;

    /// <summary>Every HTTP request line (<c>GET /path?query HTTP/1.1</c>) clients sent through the relay so far.</summary>
    public IReadOnlyList<string> RequestLines
    {
        get
        {
            string[] connections;
            lock (upstream)
            {
                connections = [.. upstream.Select(c => c.ToString())];
            }

            return [.. connections.SelectMany(text => RequestLine().Matches(text).Select(m => m.Groups[1].Value))];
        }
    }

    /// <summary>Drops every open connection and refuses new ones.</summary>
    public void Cut()
    {
        cut = true;
        lock (gate)
        {
            foreach (var client in open)
            {
                client.Client.Close(0);
            }

            open.Clear();
        }
    }

    /// <summary>Cuts the network as soon as the server sends <paramref name="marker"/> (once), dropping that chunk.</summary>
    public void CutWhenServerSends(string marker) => cutAfterServerSends = Encoding.UTF8.GetBytes(marker);

    /// <summary>Lets connections through again.</summary>
    public void Restore() => cut = false;

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        Cut();
        try
        {
            await accepting;
        }
        catch (OperationCanceledException)
        {
        }

        stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await listener.AcceptTcpClientAsync(stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            if (cut)
            {
                inbound.Client.Close(0);
                inbound.Dispose();
                continue;
            }

            _ = RelayAsync(inbound);
        }
    }

    private async Task RelayAsync(TcpClient inbound)
    {
        using var outbound = new TcpClient();
        try
        {
            await outbound.ConnectAsync(target, stopping.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            inbound.Dispose();
            return;
        }

        lock (gate)
        {
            open.Add(inbound);
            open.Add(outbound);
        }

        using (inbound)
        {
            var sent = new StringBuilder();
            lock (upstream)
            {
                upstream.Add(sent);
            }

            var up = PumpAsync(inbound.GetStream(), outbound.GetStream(), watch: false, sent);
            var down = PumpAsync(outbound.GetStream(), inbound.GetStream(), watch: true, record: null);
            await Task.WhenAny(up, down);
            inbound.Client.Close(0);
            outbound.Client.Close(0);
            lock (gate)
            {
                open.Remove(inbound);
                open.Remove(outbound);
            }
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, bool watch, StringBuilder? record)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReadAsync(buffer, stopping.Token);
                if (read == 0 || cut)
                {
                    return;
                }

                if (watch && cutAfterServerSends is { } marker && buffer.AsSpan(0, read).IndexOf(marker) >= 0)
                {
                    cutAfterServerSends = null;
                    Cut();
                    return;
                }

                if (record is not null)
                {
                    Record(record, buffer.AsSpan(0, read));
                }

                await to.WriteAsync(buffer.AsMemory(0, read), stopping.Token);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
    }

    private void Record(StringBuilder connection, ReadOnlySpan<byte> bytes)
    {
        lock (upstream)
        {
            if (recordedChars + bytes.Length <= MaxRecordedChars)
            {
                recordedChars += bytes.Length;
                connection.Append(Encoding.Latin1.GetString(bytes));
            }
        }
    }

    [GeneratedRegex(@"^((?:GET|POST|PUT|DELETE|PATCH|OPTIONS|HEAD) \S+ HTTP/1\.[01])\r$", RegexOptions.Multiline)]
    private static partial Regex RequestLine();
}

using System.Globalization;

namespace Chatbot.LoadTests;

/// <summary>
/// A server process's memory and CPU from /proc: the resident set sampled periodically (its peak), the kernel's own
/// high-water mark (VmHWM) at the end, and the CPU time spent between start and stop.
/// </summary>
internal sealed class ProcessMetrics : IAsyncDisposable
{
    public static readonly TimeSpan SampleInterval = TimeSpan.FromMilliseconds(200);

    // USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s on every Linux architecture .NET runs on.
    private const double TicksPerSecond = 100;

    private readonly int pid;
    private readonly CancellationTokenSource stop = new();
    private readonly Task sampling;
    private readonly double? cpuAtStart;
    private long peakRssKb;
    private long peakThreads;

    private ProcessMetrics(int pid)
    {
        this.pid = pid;
        cpuAtStart = ReadCpuSeconds(pid);
        sampling = SampleAsync();
    }

    public static ProcessMetrics Start(int pid) => new(pid);

    /// <summary>Stops sampling and reads the high-water mark and CPU time while the process is still alive.</summary>
    public async Task<ProcessFigures> StopAsync()
    {
        await stop.CancelAsync();
        await sampling;
        Sample();
        var cpu = ReadCpuSeconds(pid) is { } now && cpuAtStart is { } then ? now - then : (double?)null;
        return new ProcessFigures(peakRssKb > 0 ? peakRssKb : null, ReadStatusKb(pid, "VmHWM"), cpu, peakThreads > 0 ? peakThreads : null);
    }

    public async ValueTask DisposeAsync()
    {
        if (!stop.IsCancellationRequested)
        {
            await stop.CancelAsync();
            await sampling;
        }

        stop.Dispose();
    }

    /// <summary>
    /// A numeric field of /proc/&lt;pid&gt;/status, e.g. VmRSS (in kB) or Threads; null when the process or the field is gone.
    /// </summary>
    public static long? ReadStatusKb(int pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith(field + ":", StringComparison.Ordinal))
                {
                    var value = line[(field.Length + 1)..].Trim().Split(' ')[0];
                    return long.Parse(value, CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return null;
    }

    /// <summary>The CPU time (user + system) the process has used so far, in seconds.</summary>
    public static double? ReadCpuSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // After the command name in parentheses: state is field 3, utime 14 and stime 15.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private void Sample()
    {
        if (ReadStatusKb(pid, "VmRSS") is { } rss && rss > peakRssKb)
        {
            peakRssKb = rss;
        }

        // Threads climbing far past the core count under load means blocked thread-pool threads (starvation).
        if (ReadStatusKb(pid, "Threads") is { } threads && threads > peakThreads)
        {
            peakThreads = threads;
        }
    }

    private async Task SampleAsync()
    {
        using var timer = new PeriodicTimer(SampleInterval);
        try
        {
            do
            {
                Sample();
            }
            while (await timer.WaitForNextTickAsync(stop.Token));
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }
}

/// <summary>What <see cref="ProcessMetrics"/> measured; null where /proc could not tell.</summary>
internal sealed record ProcessFigures(long? PeakRssKb, long? HighWaterKb, double? CpuSeconds, long? PeakThreads);

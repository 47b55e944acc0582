using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Chatbot.Deploy.Tests;

/// <summary>
/// Debian's real <c>redis-server</c>, started by the test on a free loopback port with nothing persisted, and killed at
/// the end. A missing redis-server fails the test (never a skip).
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly Process process;
    private readonly string directory;
    private readonly StringBuilder output = new();

    private RedisServer(Process process, string directory, int port)
    {
        this.process = process;
        this.directory = directory;
        Port = port;
    }

    public int Port { get; }

    /// <summary>As StackExchange.Redis takes it, e.g. for <c>ScaleOut:RedisConnectionString</c>.</summary>
    public string ConnectionString => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    /// <summary>Starts redis-server on <paramref name="port"/>, or on a free port.</summary>
    public static async Task<RedisServer> StartAsync(int? port = null)
    {
        var executable = Tool.Require("redis-server", "Debian package redis-server");
        var directory = Directory.CreateTempSubdirectory("chatbot-redis-").FullName;
        port ??= Tool.FreePort();
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        foreach (var argument in new[]
                 {
                     "--port", port.Value.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--protected-mode", "yes",
                     "--save", "", "--appendonly", "no", "--dir", directory, "--daemonize", "no",
                 })
        {
            start.ArgumentList.Add(argument);
        }

        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var server = new RedisServer(process, directory, port.Value);
        process.OutputDataReceived += (_, e) => server.OnLine(e.Data, ready);
        process.ErrorDataReceived += (_, e) => server.OnLine(e.Data, ready);
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"redis-server exited with {process.ExitCode}:\n{server.Output}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await ready.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
        Directory.Delete(directory, recursive: true);
    }

    private void OnLine(string? line, TaskCompletionSource ready)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }

        if (line.Contains("Ready to accept connections", StringComparison.Ordinal))
        {
            ready.TrySetResult();
        }
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Chatbot.Deploy.Tests;

/// <summary>A system tool the tests run. A missing tool fails the test with the package that provides it: never a skip.</summary>
public static class Tool
{
    public static string Require(string name, string package)
    {
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Concat(["/usr/sbin", "/sbin"]))
        {
            var path = Path.Combine(folder, name);
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new InvalidOperationException($"'{name}' is not installed: {package} (.ci/run installs it).");
    }

    public static async Task<ToolResult> RunAsync(string file, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Chatbot.Testing.RepositoryPaths.Root,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', start.ArgumentList)} did not finish in time.\n{await stdout}\n{await stderr}");
        }

        return new ToolResult(process.ExitCode, await stdout, await stderr);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

public sealed record ToolResult(int ExitCode, string Output, string Error)
{
    public override string ToString() => new StringBuilder().Append("exit ").Append(ExitCode).AppendLine().AppendLine(Output).Append(Error).ToString();
}

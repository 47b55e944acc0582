using System.Diagnostics;

namespace Chatbot.Api.Tests;

/// <summary>The load benchmark (tests/Chatbot.LoadTests) runs end to end: it starts its servers, measures and stops them.</summary>
public sealed class LoadToolSmokeTests
{
    [Fact]
    public async Task Three_offline_customers_get_their_answers_and_the_tool_prints_the_summary_and_the_baseline()
    {
        var (exitCode, output) = await RunToolAsync("--customers", "3", "--questions", "1", "--think-ms", "0-100", "--ramp-seconds", "0", "--answerer", "offline");

        Assert.True(exitCode == 0, $"exit code {exitCode}:\n{output}");
        Assert.Contains("3 completed of 3 asked", output, StringComparison.Ordinal);
        Assert.Matches(@"time to first token\s+p50 \d+ ms · p95 \d+ ms · p99 \d+ ms", output);
        Assert.Matches(@"server peak memory\s+\d+ MB RSS", output);
        Assert.DoesNotMatch(@"errors\s+[1-9]", output);
        Assert.DoesNotMatch(@"connection failures\s+[1-9]", output);
        Assert.Matches(@"throughput ratio\s+\d+\.\d\d", output);
    }

    [Fact]
    public async Task A_bad_option_is_refused_with_the_usage_and_exit_code_2()
    {
        var (exitCode, output) = await RunToolAsync("--customers", "many");

        Assert.Equal(2, exitCode);
        Assert.Contains("--customers many: not a valid value.", output, StringComparison.Ordinal);
        Assert.Contains("Usage:", output, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output)> RunToolAsync(params string[] arguments)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var tool = Path.Combine(RepositoryPaths.Root, "tests", "Chatbot.LoadTests", "bin", configuration, "net10.0", "Chatbot.LoadTests.dll");
        Assert.True(File.Exists(tool), $"The load tool is not built at {tool}.");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(tool);
        foreach (var argument in arguments.Concat(["--timeout", "150"]))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove("OPENAI_API_KEY");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}

using System.Diagnostics;
using Chatbot.Testing;

namespace Chatbot.Cli.Tests;

/// <summary>The real <c>chatbot</c> command, run from its build output as an operator would run it.</summary>
internal static class ChatbotCommand
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    /// <summary>The build output of Chatbot.Cli that this test build was compiled beside.</summary>
    public static string OutputDirectory { get; } = FindOutput();

    public static async Task<CommandResult> RunAsync(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(OutputDirectory, "chatbot.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Offline and plain: no model is configured, and the output is not a terminal.
        start.Environment["OPENAI_API_KEY"] = "";
        start.Environment["NO_COLOR"] = "1";

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"chatbot {string.Join(' ', arguments)} did not finish within {Timeout}.");
        }

        return new CommandResult(process.ExitCode, await output, await error);
    }

    private static string FindOutput()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var output = Path.Combine(RepositoryPaths.Root, "server", "Chatbot.Cli", "bin", configuration, "net10.0");
        return File.Exists(Path.Combine(output, "chatbot.dll"))
            ? output
            : throw new InvalidOperationException($"Chatbot.Cli is not built at {output}.");
    }
}

internal sealed record CommandResult(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Output}\n--- stderr ---\n{Error}";
}

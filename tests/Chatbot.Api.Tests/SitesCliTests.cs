using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Chatbot.Testing;
using Dongyang.Chat.Protocol;

namespace Chatbot.Api.Tests;

/// <summary>The operator's <c>chatbot sites</c> command, run as its own process against a running server's database.</summary>
public sealed partial class SitesCliTests(SqliteChatServerFixture fixture) : IClassFixture<SqliteChatServerFixture>
{
    [Fact]
    public async Task Sites_added_with_the_cli_work_at_once_and_a_cli_disable_closes_open_connections()
    {
        var added = await RunCliAsync("sites", "add", "CLI 파트너", "--origin", "https://cli-partner.example", "--origin", "http://localhost:3000");
        var key = KeyPattern().Match(added).Value;
        var secret = SecretPattern().Match(added).Groups["secret"].Value;
        Assert.NotEmpty(key);
        Assert.NotEmpty(secret);

        var listed = await RunCliAsync("sites", "list");
        Assert.Contains(key, listed, StringComparison.Ordinal);
        Assert.Contains(ChatServer.LocalSiteKey, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, listed, StringComparison.Ordinal);

        await using var connection = fixture.Server.CreateHubConnection(key);
        var closed = connection.WhenClosed();
        await connection.StartAsync();
        Assert.IsType<CompletedEvent>((await connection.AskAllAsync(new ChatRequest("보험금 청구 방법")))[^1]);

        await RunCliAsync("sites", "disable", key);

        // Another process changed the database: the server notices within Sites:CacheSeconds (5 s by default).
        await closed.WaitAsync(TimeSpan.FromSeconds(20));
        using var http = fixture.Server.CreateHttpClient(key);
        using var refused = await http.PostAsJsonAsync("/api/chat", new ChatRequest("보험금 청구 방법"));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task Bad_cli_input_fails_with_a_message_and_changes_nothing()
    {
        string[][] bad =
        [
            ["sites", "add", "x", "--origin", "javascript:alert(1)"],
            ["sites", "add", "x", "--origin", "https://ok.example", "--key", "pk_local_dev"],
            ["sites", "add", "x", "--origin", "https://ok.example", "--key", "not-a-key"],
            ["sites", "rotate", "pk_nobody"],
            ["sites", "disable", "pk_nobody"],
        ];
        var before = await RunCliAsync("sites", "list");

        foreach (var args in bad)
        {
            var (exitCode, output) = await RunCliRawAsync(args);
            Assert.Equal(2, exitCode);
            Assert.StartsWith("error:", output.Trim(), StringComparison.Ordinal);
        }

        Assert.Equal(before, await RunCliAsync("sites", "list"));
    }

    private async Task<string> RunCliAsync(params string[] args)
    {
        var (exitCode, output) = await RunCliRawAsync(args);
        Assert.True(exitCode == 0, output);
        return output;
    }

    private async Task<(int ExitCode, string Output)> RunCliRawAsync(string[] args)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var cli = Path.Combine(RepositoryPaths.Root, "server", "Chatbot.Cli", "bin", configuration, "net10.0", "chatbot.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(cli);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.ArgumentList.Add("--connection");
        start.ArgumentList.Add($"Data Source={Path.Combine(fixture.Server.DataDirectory, "chatbot.db")}");
        start.Environment["COLUMNS"] = "200";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    [GeneratedRegex(@"pk_[0-9a-f]{32}")]
    private static partial Regex KeyPattern();

    [GeneratedRegex(@"secret:\s+(?<secret>sk_[0-9a-f]{64})")]
    private static partial Regex SecretPattern();
}

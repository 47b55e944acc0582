using Dongyang.Chat.Protocol;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chatbot.Api.Tests;

/// <summary>A server whose hub budget per connection is reached in two calls.</summary>
public sealed class HubRefusalServerFixture : ChatServerFixture
{
    public const int HubPerConnection = 2;

    protected override Task<IReadOnlyDictionary<string, string>> PrepareStorageAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>
        {
            ["RateLimits__HubPerConnection"] = $"{HubPerConnection}",
            ["RateLimits__HubPerSite"] = "100000",
        });
}

/// <summary>
/// A hub call the server refuses (a conversation the caller may not see, a spent budget) is an expected answer, not a
/// fault: the server's log (its real console output) gets one line for it, at Information or Warning, without an
/// exception or a stack trace, so refusals do not drown the errors an operator must see.
/// </summary>
public sealed class HubRefusalLogTests(HubRefusalServerFixture fixture) : IClassFixture<HubRefusalServerFixture>
{
    [Fact]
    public async Task A_refused_history_call_is_logged_once_below_error_without_a_stack_trace()
    {
        var start = fixture.Server.Output.Length;
        await using var connection = fixture.Server.CreateHubConnection();
        await connection.StartAsync();

        var refused = await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync<ConversationHistory>(ChatEndpoints.HistoryMethod, Guid.NewGuid()));
        Assert.Contains("conversation_not_found", refused.Message, StringComparison.Ordinal);

        var log = await LogSinceAsync(start);
        AssertLoggedOnceQuietly(log, "conversation_not_found");
    }

    [Fact]
    public async Task A_call_over_the_hub_budget_is_logged_once_below_error_without_a_stack_trace()
    {
        var start = fixture.Server.Output.Length;
        await using var connection = fixture.Server.CreateHubConnection();
        await connection.StartAsync();
        for (var i = 0; i < HubRefusalServerFixture.HubPerConnection; i++)
        {
            await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync<ConversationHistory>(ChatEndpoints.HistoryMethod, Guid.NewGuid()));
        }

        var refused = await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync<ConversationHistory>(ChatEndpoints.HistoryMethod, Guid.NewGuid()));
        Assert.Contains("rate_limited", refused.Message, StringComparison.Ordinal);

        var log = await LogSinceAsync(start);
        AssertLoggedOnceQuietly(log, "rate_limited");
    }

    private static void AssertLoggedOnceQuietly(IReadOnlyList<string> log, string code)
    {
        var entry = Assert.Single(log, line => line.Contains(code, StringComparison.Ordinal));
        Assert.Matches("^(info|warn): ", entry);
        Assert.DoesNotContain(log, line => line.StartsWith("fail: ", StringComparison.Ordinal) || line.StartsWith("crit: ", StringComparison.Ordinal));
        Assert.DoesNotContain(log, line => line.Contains("HubException", StringComparison.Ordinal) || line.Contains(" at Microsoft.AspNetCore.", StringComparison.Ordinal));
    }

    /// <summary>
    /// The log lines written since <paramref name="start"/>, up to a later successful question on another connection:
    /// the console log keeps the order in which entries were written, so once that question's line is there, every
    /// line about the refusal before it is too.
    /// </summary>
    private async Task<IReadOnlyList<string>> LogSinceAsync(int start)
    {
        await using var marker = fixture.Server.CreateHubConnection();
        await marker.StartAsync();
        Assert.IsType<CompletedEvent>((await marker.AskAllAsync(new ChatRequest("보험금 청구 방법")))[^1]);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var lines = fixture.Server.Output[start..].Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (lines.Any(line => line.Contains($"Hub {ChatEndpoints.AskMethod} ok", StringComparison.Ordinal)))
            {
                return lines;
            }

            await Task.Delay(50, timeout.Token);
        }
    }
}

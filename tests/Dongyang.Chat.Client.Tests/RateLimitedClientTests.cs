using Dongyang.Chat.Protocol;

namespace Dongyang.Chat.Client.Tests;

/// <summary>A real server with a small per-connection hub budget, so a question through the client is refused for rate.</summary>
public sealed class RateLimitedClientServer : IAsyncLifetime
{
    public const int HubPerConnection = 3;

    public ChatServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await ChatServer.StartAsync(settings: new Dictionary<string, string>
    {
        ["RateLimits__WindowSeconds"] = "300",
        ["RateLimits__HubPerConnection"] = $"{HubPerConnection}",
    });

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Directory.Delete(Server.DataDirectory, recursive: true);
    }
}

/// <summary>
/// README's rule for what throws and what arrives as an <see cref="ErrorEvent"/>, for a rate limit: <c>AskAsync</c>
/// yields the <c>rate_limited</c> event with its wait, <c>AskForAnswerAsync</c> throws it with the same wait.
/// </summary>
public sealed class RateLimitedClientTests(RateLimitedClientServer fixture) : IClassFixture<RateLimitedClientServer>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_rate_limited_question_carries_its_retry_after_in_the_error_event_and_in_the_exception()
    {
        await using var chat = new DongyangChatClient(new DongyangChatOptions
        {
            ServerUrl = fixture.Server.BaseAddress,
            SiteKey = ChatServer.LocalSiteKey,
            ReconnectDelays = [TimeSpan.Zero, TimeSpan.FromMilliseconds(200)],
        });

        // Every hub call of this connection spends its budget, so it runs out within a few questions.
        ErrorEvent? refused = null;
        for (var i = 0; i <= RateLimitedClientServer.HubPerConnection && refused is null; i++)
        {
            await foreach (var e in chat.AskAsync($"보험금 청구 서류 {i}").WithCancellation(new CancellationTokenSource(Patience).Token))
            {
                refused ??= e as ErrorEvent;
            }
        }

        Assert.NotNull(refused);
        Assert.Equal(ChatErrorCodes.RateLimited, refused.Code);
        Assert.Matches(@"\d+초 후에 다시 시도해 주세요", refused.Message);
        Assert.InRange(refused.RetryAfterSeconds ?? 0, 1, 300);

        var thrown = await Assert.ThrowsAsync<DongyangChatAnswerException>(() => chat.AskForAnswerAsync("해지환급금이 뭐예요?").WaitAsync(Patience));
        Assert.Equal(ChatErrorCodes.RateLimited, thrown.Code);
        Assert.InRange(thrown.RetryAfterSeconds ?? 0, 1, 300);
    }
}

using Microsoft.Extensions.Logging;
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

/// <summary>A real server that holds one chat connection per address, so a second client is refused at negotiate with 429.</summary>
public sealed class OneConnectionServer : IAsyncLifetime
{
    public ChatServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await ChatServer.StartAsync(settings: new Dictionary<string, string>
    {
        ["RateLimits__MaxConnectionsPerIp"] = "1",
    });

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Directory.Delete(Server.DataDirectory, recursive: true);
    }
}

/// <summary>
/// A 429 at connect (the address holds as many connections as it may) is not a server that is down: the client waits
/// what the server's Retry-After asks, and when that outlasts its connect timeout it says <c>rate_limited</c> with the wait.
/// </summary>
public sealed class ConnectRateLimitTests(OneConnectionServer fixture) : IClassFixture<OneConnectionServer>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private DongyangChatClient NewClient(TimeSpan connectTimeout, Microsoft.Extensions.Logging.ILoggerFactory? logs = null) => new(new DongyangChatOptions
    {
        ServerUrl = fixture.Server.BaseAddress,
        SiteKey = ChatServer.LocalSiteKey,
        ReconnectDelays = [TimeSpan.FromMilliseconds(100)],
        ConnectTimeout = connectTimeout,
    }, logs);

    [Fact]
    public async Task A_connect_refused_as_too_busy_for_longer_than_the_timeout_says_rate_limited_with_the_servers_wait()
    {
        await using var first = NewClient(TimeSpan.FromSeconds(30));
        await first.ConnectAsync().WaitAsync(Patience);
        await using var second = NewClient(TimeSpan.FromSeconds(3));

        var refused = await Assert.ThrowsAsync<DongyangChatUnavailableException>(() => second.ConnectAsync().WaitAsync(Patience));

        Assert.Equal(ChatErrorCodes.RateLimited, refused.Code);
        Assert.Equal(5, refused.RetryAfterSeconds);
        Assert.Equal(ChatConnectionState.Disconnected, second.State);
        Assert.Equal(ChatConnectionState.Connected, first.State);
    }

    [Fact]
    public async Task A_client_refused_as_too_busy_connects_once_a_place_is_free()
    {
        var logs = new RecordingLoggerProvider();
        using var factory = Microsoft.Extensions.Logging.LoggerFactory.Create(b => b.AddProvider(logs));
        var first = NewClient(TimeSpan.FromSeconds(30));
        await first.ConnectAsync().WaitAsync(Patience);
        await using var second = NewClient(TimeSpan.FromSeconds(40), factory);

        var connecting = second.ConnectAsync();
        await logs.WaitForAsync("429").WaitAsync(Patience);
        await first.DisposeAsync();
        await connecting.WaitAsync(Patience);

        Assert.Equal(ChatConnectionState.Connected, second.State);
        Assert.Contains(logs.Lines, line => line.Contains("asks to wait 5 s", StringComparison.Ordinal));
        var answer = await second.AskForAnswerAsync("해지환급금이 뭐예요?").WaitAsync(Patience);
        Assert.NotEmpty(answer.Text);
    }

    private sealed class RecordingLoggerProvider : Microsoft.Extensions.Logging.ILoggerProvider
    {
        private readonly List<string> lines = [];
        private readonly List<(string Text, TaskCompletionSource Seen)> waiters = [];

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (lines)
                {
                    return [.. lines];
                }
            }
        }

        public Task WaitForAsync(string text)
        {
            lock (lines)
            {
                if (lines.Any(l => l.Contains(text, StringComparison.Ordinal)))
                {
                    return Task.CompletedTask;
                }

                var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                waiters.Add((text, seen));
                return seen.Task;
            }
        }

        public Microsoft.Extensions.Logging.ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private void Add(string line)
        {
            lock (lines)
            {
                lines.Add(line);
                foreach (var waiter in waiters.Where(w => line.Contains(w.Text, StringComparison.Ordinal)))
                {
                    waiter.Seen.TrySetResult();
                }
            }
        }

        private sealed class Logger(RecordingLoggerProvider owner) : Microsoft.Extensions.Logging.ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

            public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Add(formatter(state, exception));
        }
    }
}

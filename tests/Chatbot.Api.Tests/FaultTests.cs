using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Chatbot.Data;
using Chatbot.Data.Entities;
using Chatbot.Testing;
using Dongyang.Chat.Protocol;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;

namespace Chatbot.Api.Tests;

internal static class SlowAnswers
{
    /// <summary>
    /// Seconds per answer: long enough to break in the middle even when a busy machine is slow to notice a hang-up
    /// (at 150 ms a piece, a loaded 2-core run once finished the answer first).
    /// </summary>
    public static IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string> { ["FaultInjection__AnswerPieceDelayMilliseconds"] = "400" };
}

public sealed class SlowAnswerSqliteFixture : SqliteStoredRowsFixture
{
    protected override IReadOnlyDictionary<string, string> ServerSettings => SlowAnswers.Settings;
}

public sealed class SlowAnswerPostgresFixture : PostgresStoredRowsFixture
{
    protected override IReadOnlyDictionary<string, string> ServerSettings => SlowAnswers.Settings;
}

/// <summary>What is stored for one client message id.</summary>
internal sealed record StoredExchange(int Questions, int CompleteAnswers, int InterruptedAnswers, Guid? ConversationId)
{
    public static async Task<StoredExchange> ReadAsync(Func<ChatDbContext> open, string clientMessageId)
    {
        await using var database = open();
        var questions = await database.Messages.AsNoTracking().Where(m => m.ClientMessageId == clientMessageId && m.Role == MessageRole.User).ToListAsync();
        var ids = questions.Select(q => q.Id).ToList();
        var answers = await database.Messages.AsNoTracking().Where(m => m.ReplyToId != null && ids.Contains(m.ReplyToId.Value)).ToListAsync();
        return new StoredExchange(
            questions.Count,
            answers.Count(a => a.Status == MessageStatus.Complete),
            answers.Count(a => a.Status == MessageStatus.Interrupted),
            questions.FirstOrDefault()?.ConversationId);
    }

    public static async Task<StoredExchange> WaitAsync(Func<ChatDbContext> open, string clientMessageId, Func<StoredExchange, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var stored = await ReadAsync(open, clientMessageId);
            if (done(stored) || DateTime.UtcNow > deadline)
            {
                return stored;
            }

            await Task.Delay(100);
        }
    }
}

/// <summary>A customer whose connection drops mid-answer: the partial answer is kept, marked, and a resend completes it once.</summary>
public abstract class ClientDropTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : StoredRowsFixture
{
    [Fact]
    public async Task A_client_that_hangs_up_mid_stream_leaves_an_interrupted_answer_and_a_resend_completes_it_exactly_once()
    {
        // No draining of the unread rest: the connection closes at once, as when a browser tab is closed.
        using var http = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = fixture.Server.BaseAddress };
        http.DefaultRequestHeaders.Add(ChatEndpoints.SiteKeyHeader, ChatServer.LocalSiteKey);
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", (await fixture.Server.CreateAnonymousSessionAsync()).Token);
        var request = new ChatRequest("보험금 청구할 때 필요한 서류는 뭐예요?", ClientMessageId: $"drop-http-{Guid.NewGuid():N}");

        var (seen, ended) = await ServerSentEvents.AskAsync(http, request, stopWhen: e => e is DeltaEvent);

        Assert.False(ended);
        var accepted = Assert.IsType<AcceptedEvent>(seen[0]);
        var interrupted = await StoredExchange.WaitAsync(fixture.OpenDatabase, request.ClientMessageId!, s => s.InterruptedAnswers == 1);
        Assert.Equal(new StoredExchange(1, 0, 1, accepted.ConversationId), interrupted);

        var resent = await SiteAccessTests<SqliteChatServerFixture>.AskAsync(http, request);
        var replayed = await SiteAccessTests<SqliteChatServerFixture>.AskAsync(http, request);

        Assert.Equal(accepted.ConversationId, resent.ConversationId);
        Assert.Equal(resent.MessageId, replayed.MessageId);
        Assert.Equal(resent.Answer, replayed.Answer);
        Assert.Equal(new StoredExchange(1, 1, 1, accepted.ConversationId), await StoredExchange.ReadAsync(fixture.OpenDatabase, request.ClientMessageId!));
        var history = await http.GetFromJsonAsync<ConversationHistory>($"/api/conversations/{accepted.ConversationId}/messages", JsonSerializerOptions.Web);
        Assert.Single(history!.Messages, m => m.Role == "user");
        Assert.Equal(resent.Answer, history.Messages[^1].Content);
    }

    [Fact]
    public async Task A_hub_connection_lost_mid_answer_leaves_an_interrupted_answer_and_a_resend_after_reconnecting_completes_it()
    {
        var request = new ChatRequest("암보험 면책기간이 뭔가요?", ClientMessageId: $"drop-hub-{Guid.NewGuid():N}");
        var session = ChatServer.SessionHeaders(await fixture.Server.CreateAnonymousSessionAsync());
        AcceptedEvent? accepted = null;
        await using (var connection = fixture.Server.CreateHubConnection(headers: session))
        {
            await connection.StartAsync();
            await foreach (var e in connection.StreamAsync<ChatStreamEvent>(ChatEndpoints.AskMethod, request))
            {
                accepted ??= e as AcceptedEvent;
                if (e is DeltaEvent)
                {
                    break;
                }
            }
        }

        Assert.NotNull(accepted);
        Assert.Equal(1, (await StoredExchange.WaitAsync(fixture.OpenDatabase, request.ClientMessageId!, s => s.InterruptedAnswers == 1)).InterruptedAnswers);

        await using var reconnected = fixture.Server.CreateHubConnection(headers: session);
        await reconnected.StartAsync();
        var events = await reconnected.AskAllAsync(request);

        Assert.Equal(accepted.ConversationId, Assert.IsType<CompletedEvent>(events[^1]).ConversationId);
        Assert.Equal(new StoredExchange(1, 1, 1, accepted.ConversationId), await StoredExchange.ReadAsync(fixture.OpenDatabase, request.ClientMessageId!));
    }
}

public sealed class ClientDropTestsOnSqlite(SlowAnswerSqliteFixture fixture) : ClientDropTests<SlowAnswerSqliteFixture>(fixture);

public sealed class ClientDropTestsOnPostgres(SlowAnswerPostgresFixture fixture) : ClientDropTests<SlowAnswerPostgresFixture>(fixture);

/// <summary>The server process killed (SIGKILL) in the middle of answering several customers, then started again.</summary>
public sealed class ServerKillTests
{
    private const int Customers = 6;

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task After_a_kill_and_restart_every_acknowledged_question_is_stored_once_and_a_resend_answers_it_once(string provider)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("chatbot-kill-").FullName;
        var connectionString = provider == "Postgres" ? await TestPostgres.CreateDatabaseAsync("kill") : null;
        var settings = new Dictionary<string, string>(SlowAnswers.Settings);
        if (connectionString is not null)
        {
            settings["Database__Provider"] = "Postgres";
            settings["ConnectionStrings__Chatbot"] = connectionString;
        }

        ChatDbContext Open() => connectionString is null
            ? new SqliteChatDbContext(new DbContextOptionsBuilder<SqliteChatDbContext>().UseSqlite($"Data Source={Path.Combine(dataDirectory, "chatbot.db")}").Options)
            : new PostgresChatDbContext(new DbContextOptionsBuilder<PostgresChatDbContext>().UseNpgsql(connectionString).Options);

        try
        {
            var requests = Enumerable.Range(1, Customers)
                .Select(i => new ChatRequest(ChatQuestions.AboutTheKnowledge.ElementAt(i % 9)[0].ToString(), ClientMessageId: $"kill-{i}-{Guid.NewGuid():N}"))
                .ToList();
            var acknowledged = new ConcurrentDictionary<string, AcceptedEvent>();
            List<(List<ChatStreamEvent> Events, bool Ended)> outcomes;
            await using (var doomed = await ChatServer.StartAsync(dataDirectory, settings))
            {
                using var http = doomed.CreateHttpClient();
                var streams = requests.Select(r => ServerSentEvents.AskAsync(http, r, onEvent: e =>
                {
                    if (e is AcceptedEvent accepted)
                    {
                        acknowledged[r.ClientMessageId!] = accepted;
                    }
                })).ToList();
                var deadline = DateTime.UtcNow.AddSeconds(30);
                while (acknowledged.Count < Customers && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(20);
                }

                await doomed.KillAsync();

                // Every customer sees the stream end (no hang) and none saw a completed answer it would lose.
                outcomes = [.. await Task.WhenAll(streams).WaitAsync(TimeSpan.FromSeconds(30))];
            }

            Assert.Equal(Customers, acknowledged.Count);
            Assert.All(outcomes, o => Assert.False(o.Ended, "the answers are slow enough to be cut off"));

            await using var restarted = await ChatServer.StartAsync(dataDirectory, settings);
            using var again = restarted.CreateHttpClient();
            foreach (var request in requests)
            {
                var before = await StoredExchange.ReadAsync(Open, request.ClientMessageId!);
                Assert.Equal(1, before.Questions);
                Assert.Equal(0, before.CompleteAnswers);

                // Resent as the SDK does: naming the conversation it was told (these callers have no session).
                var answer = await SiteAccessTests<SqliteChatServerFixture>.AskAsync(again, request with { ConversationId = acknowledged[request.ClientMessageId!].ConversationId });

                Assert.Equal(acknowledged[request.ClientMessageId!].ConversationId, answer.ConversationId);
                var after = await StoredExchange.ReadAsync(Open, request.ClientMessageId!);
                Assert.Equal((1, 1), (after.Questions, after.CompleteAnswers));
            }
        }
        finally
        {
            if (connectionString is not null)
            {
                await TestPostgres.DropDatabaseAsync(connectionString);
            }

            Directory.Delete(dataDirectory, recursive: true);
        }
    }
}

/// <summary>
/// The database restarts (a real PostgreSQL stop and start, data kept) while a customer is mid-conversation, on a
/// throwaway instance of its own — never the shared test server.
/// </summary>
public sealed class DatabaseRestartTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task A_database_restart_mid_conversation_loses_no_acknowledged_message_and_duplicates_none()
    {
        var port = FreePort();
        var connectionString = await RunAsync("bash", [Path.Combine(RepositoryPaths.Root, "deploy", "scripts", "postgres-test-server.sh"), "start", "--port", $"{port}"], ("CHATBOT_PG_DATA", $"/tmp/chatbot-trust-pg-{port}"));
        var dataDirectory = Directory.CreateTempSubdirectory("chatbot-dbrestart-").FullName;
        ChatDbContext Open() => new PostgresChatDbContext(new DbContextOptionsBuilder<PostgresChatDbContext>().UseNpgsql(connectionString).Options);
        try
        {
            var settings = new Dictionary<string, string>(SlowAnswers.Settings)
            {
                ["Database__Provider"] = "Postgres",
                ["ConnectionStrings__Chatbot"] = connectionString,
            };
            await using var server = await ChatServer.StartAsync(dataDirectory, settings);
            using var http = server.CreateHttpClient();
            var first = new ChatRequest("보험금 청구는 어떻게 하나요?", ClientMessageId: $"db-1-{Guid.NewGuid():N}");
            var opened = await SiteAccessTests<SqliteChatServerFixture>.AskAsync(http, first);
            var streaming = new ChatRequest("보험계약대출 이자는 어떻게 되나요?", opened.ConversationId, $"db-2-{Guid.NewGuid():N}");
            var whileDown = new ChatRequest("해지환급금이 뭐예요?", opened.ConversationId, $"db-3-{Guid.NewGuid():N}");

            var accepted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var stream = ServerSentEvents.AskAsync(http, streaming, onEvent: e =>
            {
                if (e is AcceptedEvent)
                {
                    accepted.TrySetResult();
                }
            });
            await accepted.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await using var hub = server.CreateHubConnection();
            await hub.StartAsync();
            await StopStartAsync("stop", port);
            var clock = Stopwatch.StartNew();
            using var askedWhileDown = http.PostAsJsonAsync("/api/chat", whileDown);
            var hubWhileDown = hub.AskAllAsync(new ChatRequest("고객센터 상담 시간이 어떻게 되나요?", ClientMessageId: $"db-4-{Guid.NewGuid():N}"));
            await Task.Delay(TimeSpan.FromSeconds(6));
            await StopStartAsync("start", port);

            // Both customers get a clear outcome in bounded time: an answer, or a 503 that says to retry.
            var (_, streamEnded) = await stream.WaitAsync(TimeSpan.FromSeconds(90));
            using var downResponse = await askedWhileDown.WaitAsync(TimeSpan.FromSeconds(90));
            Assert.True(downResponse.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"{downResponse.StatusCode}: {await downResponse.Content.ReadAsStringAsync()}");
            var hubEvents = await hubWhileDown.WaitAsync(TimeSpan.FromSeconds(90));
            Assert.True(hubEvents[^1] is CompletedEvent or ErrorEvent { Code: "storage_unavailable" }, $"hub ended with {hubEvents[^1]}");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(90));
            output.WriteLine($"database down ~6 s: streaming answer ended normally={streamEnded}; HTTP asked while down -> {(int)downResponse.StatusCode}; hub asked while down -> {hubEvents[^1].GetType().Name}; all settled {clock.Elapsed.TotalSeconds:F1} s after the stop");

            foreach (var request in new[] { first, streaming, whileDown })
            {
                var answer = await SiteAccessTests<SqliteChatServerFixture>.AskAsync(http, request with { ConversationId = opened.ConversationId });
                Assert.Equal(opened.ConversationId, answer.ConversationId);
                var stored = await StoredExchange.ReadAsync(Open, request.ClientMessageId!);
                Assert.Equal((1, 1), (stored.Questions, stored.CompleteAnswers));
            }

            var history = await http.GetFromJsonAsync<ConversationHistory>($"/api/conversations/{opened.ConversationId}/messages", JsonSerializerOptions.Web);
            Assert.Equal(3, history!.Messages.Count(m => m.Role == "user"));
            Assert.Equal(history.Messages.Select(m => m.CreatedAt).Order(), history.Messages.Select(m => m.CreatedAt));
        }
        finally
        {
            await RunAsync("bash", [Path.Combine(RepositoryPaths.Root, "deploy", "scripts", "postgres-test-server.sh"), "stop", "--port", $"{port}"], ("CHATBOT_PG_DATA", $"/tmp/chatbot-trust-pg-{port}"));
            File.Delete($"/tmp/dongyang-chat-pg17-{port}.lock");
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    private static Task<string> StopStartAsync(string command, int port) =>
        RunAsync("bash", [Path.Combine(RepositoryPaths.Root, "tests", "Chatbot.Api.Tests", "postgres-stop-start.sh"), command, $"{port}"]);

    private static async Task<string> RunAsync(string file, string[] args, params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"{string.Join(' ', args)} failed ({process.ExitCode}):\n{await stderr}");
        return (await stdout).Trim();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

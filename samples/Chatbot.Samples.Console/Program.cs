// Usage: dotnet run --project samples/Chatbot.Samples.Console -- [question] [--server http://localhost:8080/] [--ai | --events]
// --ai asks through the Microsoft.Extensions.AI IChatClient adapter (AsIChatClient) instead of the typed stream.
// --events prints everything the client hears from one ordered stream (ReadEventsAsync) while it asks.
using Dongyang.Chat.Client;
using Dongyang.Chat.Protocol;
using Microsoft.Extensions.AI;

var server = new Uri("http://localhost:8080/");
var question = "보험금 청구할 때 필요한 서류는 뭐예요?";
var useAdapter = false;
var watchEvents = false;
for (var i = 0; i < args.Length; i++)
{
    if (args[i] == "--server" && i + 1 < args.Length)
    {
        server = new Uri(args[++i]);
    }
    else if (args[i] == "--ai")
    {
        useAdapter = true;
    }
    else if (args[i] == "--events")
    {
        watchEvents = true;
    }
    else
    {
        question = args[i];
    }
}

using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(2));
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

await using var chat = new DongyangChatClient(new DongyangChatOptions { ServerUrl = server, SiteKey = "pk_local_dev" });
chat.StateChanged += (_, e) =>
{
    if (e.State == ChatConnectionState.Reconnecting)
    {
        Console.Error.WriteLine("(재연결 중…)");
    }
};

Console.WriteLine($"Q: {question}");
Console.Write("A: ");
if (useAdapter)
{
    return await AskThroughChatClientAsync(chat, question, cancel.Token);
}

if (watchEvents)
{
    return await AskWatchingEventsAsync(chat, question, cancel.Token);
}

IReadOnlyList<Citation> sources = [];
try
{
    await foreach (var update in chat.AskAsync(question, cancellationToken: cancel.Token))
    {
        switch (update)
        {
            case DeltaEvent delta:
                Console.Write(delta.Text);
                break;
            case AnswerRestartedEvent:
                Console.Write("\n(answer restarted after a reconnect)\nA: ");
                break;
            case CitationsEvent citations:
                sources = citations.Citations;
                break;
            case ErrorEvent error:
                Console.Error.WriteLine($"\n{error.Message}");
                return 1;
        }
    }
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine($"\nNo answer from {server} in time.");
    return 2;
}

Console.WriteLine();
if (sources.Count > 0)
{
    Console.WriteLine("출처:");
    foreach (var source in sources)
    {
        var where = string.Join(", ", new[] { source.Section, source.Page is { } page ? $"{page}쪽" : null }.Where(s => !string.IsNullOrEmpty(s)));
        Console.WriteLine($"  [{source.Index}] {source.Title}{(where.Length > 0 ? $" ({where})" : "")}");
    }
}

return 0;

// The same question through Microsoft.Extensions.AI: any IChatClient pipeline or Semantic Kernel can use the bot.
static async Task<int> AskThroughChatClientAsync(IDongyangChat chat, string question, CancellationToken cancellationToken)
{
    IChatClient ai = chat.AsIChatClient();
    var updates = new List<ChatResponseUpdate>();
    try
    {
        await foreach (var update in ai.GetStreamingResponseAsync(question, cancellationToken: cancellationToken))
        {
            Console.Write(update.Text);
            updates.Add(update);
        }
    }
    catch (DongyangChatAnswerException error)
    {
        Console.Error.WriteLine($"\n{error.Error.Message}");
        return 1;
    }
    catch (OperationCanceledException)
    {
        Console.Error.WriteLine("\nNo answer in time.");
        return 2;
    }

    Console.WriteLine();
    var citations = updates.SelectMany(u => u.Contents).SelectMany(c => c.Annotations ?? []).OfType<CitationAnnotation>().ToList();
    if (citations.Count > 0)
    {
        Console.WriteLine("출처 (CitationAnnotation):");
        foreach (var citation in citations)
        {
            Console.WriteLine($"  [{citation.AdditionalProperties?["index"]}] {citation.Title}");
        }
    }

    return 0;
}

// One ordered stream instead of three events: answers as they stream, counsellor pushes, resyncs, connection changes.
static async Task<int> AskWatchingEventsAsync(IDongyangChat chat, string question, CancellationToken cancellationToken)
{
    // The stream has what happens from its first read on, so it is read before the question goes.
    var reading = PrintEventsAsync(chat, cancellationToken);
    try
    {
        await chat.AskForAnswerAsync(question, cancellationToken);
    }
    catch (DongyangChatAnswerException error)
    {
        Console.Error.WriteLine($"\n{error.Error.Message}");
        return 1;
    }

    // Disposing the client ends the stream after the events already queued.
    await chat.DisposeAsync();
    await reading;
    Console.WriteLine();
    return 0;
}

static async Task PrintEventsAsync(IDongyangChat chat, CancellationToken cancellationToken)
{
    await foreach (var e in chat.ReadEventsAsync(cancellationToken))
    {
        switch (e)
        {
            case AnswerChatEvent { Update: DeltaEvent delta }: Console.Write(delta.Text); break;
            case AnswerChatEvent { Update: AnswerRestartedEvent }: Console.WriteLine(); break; // the answer starts again
            case MessageAddedChatEvent pushed: Console.WriteLine($"\n[{pushed.Message.Role}] {pushed.Message.Text}"); break;
            case HistoryResyncedChatEvent resynced: Console.WriteLine($"\n({resynced.History.Messages.Count} messages after a reconnect)"); break;
            case ConnectionChatEvent connection: Console.WriteLine($"\n({connection.State})"); break;
        }
    }
}

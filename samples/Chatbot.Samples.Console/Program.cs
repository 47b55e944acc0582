// Usage: dotnet run --project samples/Chatbot.Samples.Console -- [question] [--server http://localhost:8080/] [--ai]
// --ai asks through the Microsoft.Extensions.AI IChatClient adapter (AsIChatClient) instead of the typed stream.
using Dongyang.Chat.Client;
using Dongyang.Chat.Protocol;
using Microsoft.Extensions.AI;

var server = new Uri("http://localhost:8080/");
var question = "보험금 청구할 때 필요한 서류는 뭐예요?";
var useAdapter = false;
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

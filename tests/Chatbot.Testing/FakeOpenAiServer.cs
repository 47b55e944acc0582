using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Chatbot.Rag.Embeddings;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Chatbot.Testing;

/// <summary>How the fake model answers one chat request.</summary>
/// <param name="Text">The answer text, streamed in pieces of <paramref name="ChunkSize"/> characters.</param>
/// <param name="Status">An HTTP status other than 200 answers with an OpenAI error body instead.</param>
/// <param name="DelayBeforeFirstToken">Silence before the first piece (bounded by the request's lifetime).</param>
/// <param name="StallAfterCharacters">After this many characters, the stream goes silent until the client leaves.</param>
/// <param name="ChunkSize">Characters per streamed piece; small pieces split citation markers, as real models do.</param>
/// <param name="DelayBetweenChunks">
/// The pace of the stream: piece n is sent n × this after the first (no drift), so one piece per token at 20 ms
/// models a 50 tokens/second model. Zero (the default) sends as fast as the connection takes them.
/// </param>
public sealed record FakeChatReply(
    string Text,
    int Status = 200,
    TimeSpan DelayBeforeFirstToken = default,
    int? StallAfterCharacters = null,
    int ChunkSize = 3,
    TimeSpan DelayBetweenChunks = default);

/// <summary>
/// A local server that speaks the OpenAI wire format: <c>POST /v1/chat/completions</c> with and without streaming
/// (server-sent <c>data: {chunk}</c> events ending in <c>data: [DONE]</c>) and <c>POST /v1/embeddings</c> (float or
/// base64 encoding, honouring <c>dimensions</c>). Embeddings are the offline hashing embeddings, so retrieval through
/// it ranks exactly as offline. It records every request body it receives. Loopback only; silence is bounded.
/// </summary>
public sealed class FakeOpenAiServer : IAsyncDisposable
{
    private static readonly TimeSpan LongestSilence = TimeSpan.FromSeconds(60);

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<JsonObject> _chatRequests = new();
    private readonly ConcurrentQueue<JsonObject> _embeddingRequests = new();
    private readonly ConcurrentQueue<string> _authorizations = new();

    private FakeOpenAiServer(WebApplication app) => _app = app;

    /// <summary>Decides each chat reply from the request's messages; by default a fixed Korean answer citing [1].</summary>
    public Func<IReadOnlyList<JsonObject>, FakeChatReply> Reply { get; set; } =
        _ => new FakeChatReply("문서에 따르면 그렇습니다 [1].\n<follow_up>\n다른 질문이 있나요?\n</follow_up>");

    /// <summary>The status the embeddings endpoint answers with; anything but 200 sends an OpenAI error body.</summary>
    public int EmbeddingStatus { get; set; } = StatusCodes.Status200OK;

    /// <summary>The base URL to give the OpenAI client, ending in /v1.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>The chat request bodies received, oldest first.</summary>
    public IReadOnlyList<JsonObject> ChatRequests => [.. _chatRequests];

    /// <summary>The embedding request bodies received, oldest first.</summary>
    public IReadOnlyList<JsonObject> EmbeddingRequests => [.. _embeddingRequests];

    /// <summary>The Authorization headers received.</summary>
    public IReadOnlyList<string> Authorizations => [.. _authorizations];

    /// <summary>Everything the server received, as text, for assertions that something never left the process.</summary>
    public string AllReceived => string.Join('\n', ChatRequests.Concat(EmbeddingRequests).Select(r => r.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping })));

    /// <summary>Starts the server on 127.0.0.1 and a free port.</summary>
    public static async Task<FakeOpenAiServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeOpenAiServer(app);
        app.MapPost("/v1/chat/completions", server.ChatAsync);
        app.MapPost("/v1/embeddings", server.EmbeddingsAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUrl = new Uri(address.TrimEnd('/') + "/v1");
        return server;
    }

    /// <summary>The text of the messages of one request with the given role, e.g. "system" or "user".</summary>
    public static string MessageText(JsonObject request, string role) => string.Join('\n', request["messages"]!.AsArray()
        .OfType<JsonObject>()
        .Where(m => (string?)m["role"] == role)
        .Select(ContentOf));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static string ContentOf(JsonObject message) => message["content"] switch
    {
        JsonValue value => value.GetValue<string>(),
        JsonArray parts => string.Concat(parts.OfType<JsonObject>().Select(p => (string?)p["text"] ?? "")),
        _ => "",
    };

    private async Task ChatAsync(HttpContext context)
    {
        var request = await ReadAsync(context);
        _chatRequests.Enqueue(request);
        _authorizations.Enqueue(context.Request.Headers.Authorization.ToString());
        var messages = request["messages"]!.AsArray().OfType<JsonObject>().ToList();
        var reply = Reply(messages);
        var aborted = context.RequestAborted;
        if (reply.DelayBeforeFirstToken > TimeSpan.Zero)
        {
            await SilenceAsync(reply.DelayBeforeFirstToken, aborted);
            if (aborted.IsCancellationRequested)
            {
                return;
            }
        }

        if (reply.Status != StatusCodes.Status200OK)
        {
            context.Response.StatusCode = reply.Status;
            await context.Response.WriteAsJsonAsync(new { error = new { message = "The fake model failed on purpose.", type = "server_error", code = (string?)null } }, aborted);
            return;
        }

        var model = (string?)request["model"] ?? "fake";
        if ((bool?)request["stream"] != true)
        {
            await context.Response.WriteAsJsonAsync(
                new
                {
                    id = "chatcmpl-fake",
                    @object = "chat.completion",
                    created = 1_700_000_000,
                    model,
                    choices = new[] { new { index = 0, message = new { role = "assistant", content = reply.Text }, finish_reason = "stop" } },
                    usage = new { prompt_tokens = 10, completion_tokens = 10, total_tokens = 20 },
                },
                aborted);
            return;
        }

        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        await WriteChunkAsync(context, model, new JsonObject { ["role"] = "assistant", ["content"] = "" }, null, aborted);
        var paced = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < reply.Text.Length; i += reply.ChunkSize)
        {
            if (reply.StallAfterCharacters is { } stall && i >= stall)
            {
                await SilenceAsync(LongestSilence, aborted);
                return;
            }

            if (reply.DelayBetweenChunks > TimeSpan.Zero && i > 0)
            {
                var due = reply.DelayBetweenChunks * (i / reply.ChunkSize) - paced.Elapsed;
                if (due > TimeSpan.Zero)
                {
                    await SilenceAsync(due, aborted);
                    if (aborted.IsCancellationRequested)
                    {
                        return;
                    }
                }
            }

            var piece = reply.Text.Substring(i, Math.Min(reply.ChunkSize, reply.Text.Length - i));
            await WriteChunkAsync(context, model, new JsonObject { ["content"] = piece }, null, aborted);
        }

        await WriteChunkAsync(context, model, [], "stop", aborted);
        await context.Response.WriteAsync("data: [DONE]\n\n", aborted);
        await context.Response.Body.FlushAsync(aborted);
    }

    private static async Task WriteChunkAsync(HttpContext context, string model, JsonObject delta, string? finishReason, CancellationToken cancellationToken)
    {
        var chunk = new JsonObject
        {
            ["id"] = "chatcmpl-fake",
            ["object"] = "chat.completion.chunk",
            ["created"] = 1_700_000_000,
            ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finishReason }),
        };
        await context.Response.WriteAsync($"data: {chunk.ToJsonString()}\n\n", cancellationToken);
        await context.Response.Body.FlushAsync(cancellationToken);
    }

    private async Task EmbeddingsAsync(HttpContext context)
    {
        var request = await ReadAsync(context);
        _embeddingRequests.Enqueue(request);
        if (EmbeddingStatus != StatusCodes.Status200OK)
        {
            context.Response.StatusCode = EmbeddingStatus;
            await context.Response.WriteAsJsonAsync(new { error = new { message = "The fake embeddings failed on purpose.", type = "server_error", code = (string?)null } }, context.RequestAborted);
            return;
        }

        var inputs = request["input"] switch
        {
            JsonArray array => array.Select(v => v!.GetValue<string>()).ToList(),
            JsonValue value => [value.GetValue<string>()],
            _ => [],
        };
        var dimensions = (int?)request["dimensions"] ?? 1536;
        var base64 = (string?)request["encoding_format"] == "base64";
        using var generator = new HashingEmbeddingGenerator(dimensions);
        var embeddings = await generator.GenerateAsync(inputs);
        var data = new JsonArray();
        for (var i = 0; i < embeddings.Count; i++)
        {
            var vector = embeddings[i].Vector.ToArray();
            JsonNode encoded = base64
                ? JsonValue.Create(Convert.ToBase64String(System.Runtime.InteropServices.MemoryMarshal.AsBytes(vector.AsSpan())))
                : new JsonArray(vector.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());
            data.Add(new JsonObject { ["object"] = "embedding", ["index"] = i, ["embedding"] = encoded });
        }

        var response = new JsonObject
        {
            ["object"] = "list",
            ["data"] = data,
            ["model"] = (string?)request["model"] ?? "fake",
            ["usage"] = new JsonObject { ["prompt_tokens"] = inputs.Count, ["total_tokens"] = inputs.Count },
        };
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(response.ToJsonString(), context.RequestAborted);
    }

    private static async Task<JsonObject> ReadAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        return JsonNode.Parse(body)?.AsObject() ?? throw new InvalidDataException("The request body is not a JSON object.");
    }

    private static async Task SilenceAsync(TimeSpan duration, CancellationToken aborted)
    {
        try
        {
            await Task.Delay(duration < LongestSilence ? duration : LongestSilence, aborted);
        }
        catch (OperationCanceledException)
        {
            // The client gave up waiting, which is what a silence test wants.
        }
    }
}

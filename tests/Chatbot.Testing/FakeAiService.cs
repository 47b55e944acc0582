using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Chatbot.Testing;

/// <summary>How the fake AI service answers one question.</summary>
/// <param name="Pieces">The answer text, one NDJSON delta line per piece, then the citations and the finished line.</param>
/// <param name="Status">An HTTP status other than 200 answers with a problem body instead of a stream.</param>
/// <param name="StallAfterPieces">After this many pieces, the stream goes silent until the client leaves.</param>
public sealed record FakeAiAnswer(IReadOnlyList<string> Pieces, int Status = 200, int? StallAfterPieces = null);

/// <summary>
/// A local stand-in for the AI service (server/Chatbot.Ai) speaking its HTTP contract: <c>GET /</c> health and
/// <c>POST /v1/answers/stream</c> as NDJSON lines (<c>{"type":"delta"|"citations"|"finished", …}</c>). It answers
/// with a scripted status, stream or stall, so the chat's handling of a failing AI service can be driven exactly.
/// Loopback only; silence is bounded.
/// </summary>
public sealed class FakeAiService : IAsyncDisposable
{
    /// <summary>The service key (Ai:ServiceKey) the fake expects, as the real AI service does, on every call but health.</summary>
    public const string ServiceKey = "FakeAiServiceKey0123456789abcdefghijklmnopqrstu";

    private static readonly TimeSpan LongestSilence = TimeSpan.FromSeconds(60);

    private readonly WebApplication _app;
    private int _answerRequests;

    private FakeAiService(WebApplication app) => _app = app;

    /// <summary>Decides each answer; by default two pieces citing one document.</summary>
    public Func<FakeAiAnswer> Answer { get; set; } = () => new FakeAiAnswer(["보험금 청구는 모바일 앱에서 할 수 있습니다 [1].", " 필요한 서류를 함께 내 주세요."]);

    /// <summary>The base URL to give the chat server as <c>Ai:BaseUrl</c>.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>How many answer streams were asked for.</summary>
    public int AnswerRequests => Volatile.Read(ref _answerRequests);

    public static async Task<FakeAiService> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var service = new FakeAiService(app);
        app.MapGet("/", () => Results.Json(new { status = "UP", service = "fake-ai" }));
        app.MapGet("/v1/ready", (HttpRequest request) => request.Headers.Authorization == $"Bearer {ServiceKey}"
            ? Results.Json(new { status = "ready", service = "fake-ai" })
            : Results.Unauthorized());
        app.MapPost("/v1/answers/stream", service.AnswerAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        service.BaseUrl = new Uri(address.TrimEnd('/') + "/");
        return service;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task AnswerAsync(HttpContext context)
    {
        Interlocked.Increment(ref _answerRequests);
        if (context.Request.Headers.Authorization.ToString() != "Bearer " + ServiceKey)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        var answer = Answer();
        var aborted = context.RequestAborted;
        if (answer.Status != StatusCodes.Status200OK)
        {
            context.Response.StatusCode = answer.Status;
            await context.Response.WriteAsJsonAsync(new { title = "The fake AI service failed on purpose.", status = answer.Status }, aborted);
            return;
        }

        context.Response.ContentType = "application/x-ndjson";
        for (var i = 0; i < answer.Pieces.Count; i++)
        {
            if (answer.StallAfterPieces is { } stall && i >= stall)
            {
                try
                {
                    await Task.Delay(LongestSilence, aborted);
                }
                catch (OperationCanceledException)
                {
                    // The chat server gave up waiting, which is what a stall test wants.
                }

                return;
            }

            await WriteLineAsync(context, new { type = "delta", text = answer.Pieces[i] }, aborted);
        }

        var citation = new { index = 1, documentId = "claims-procedure", title = "보험금 청구 안내", section = (string?)null, page = (int?)null, snippet = "보험금 청구는 모바일 앱에서 할 수 있습니다." };
        await WriteLineAsync(context, new { type = "citations", citations = new[] { citation } }, aborted);
        await WriteLineAsync(context, new { type = "finished", grounded = true, suggestions = Array.Empty<string>() }, aborted);
    }

    private static async Task WriteLineAsync(HttpContext context, object line, CancellationToken cancellationToken)
    {
        await context.Response.WriteAsync(JsonSerializer.Serialize(line, JsonSerializerOptions.Web) + "\n", cancellationToken);
        await context.Response.Body.FlushAsync(cancellationToken);
    }
}

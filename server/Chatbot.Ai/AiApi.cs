using System.Text.Json;
using Chatbot.Ai.Contracts;
using Chatbot.Ai.Knowledge;
using Chatbot.Rag.Answering;
using Chatbot.Rag.Retrieval;
using Microsoft.Extensions.Options;

namespace Chatbot.Ai;

/// <summary>The AI service's HTTP contract (see <see cref="AiEndpoints"/>), documented in its OpenAPI document.</summary>
internal static partial class AiApi
{
    /// <summary>
    /// What <c>PUT /v1/documents/{path}</c> takes: the raw bytes of any format the ingestor reads (Markdown, text, HTML,
    /// PDF, DOCX). The path's extension decides how it is read; the content type only has to be one of these.
    /// </summary>
    internal static readonly string[] DocumentMediaTypes =
    [
        "application/octet-stream",
        "text/markdown",
        "text/plain",
        "text/html",
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ];

    public static IEndpointRouteBuilder MapAiApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(AiEndpoints.Health, () => TypedResults.Ok(new AiServiceStatus("healthy", "AI Server")))
            .WithName("Health").WithSummary("Liveness: healthy once the knowledge is ingested.");

        // Everything else answers the api only: documents can be written and deleted here, and answers cost model calls.
        var service = endpoints.MapGroup("").RequireAuthorization(ServiceKeyAuthentication.Policy);

        service.MapGet(AiEndpoints.Ready, () => TypedResults.Ok(new AiServiceStatus("ready", "AI Server")))
            .WithName("Ready").WithSummary("Readiness for the api: answers only a caller with the service key.");

        service.MapPost(AiEndpoints.AnswerStream, StreamAnswerAsync)
            .WithName("StreamAnswer")
            .WithSummary("Answers a question as NDJSON, one AnswerStreamEvent per line, flushed as produced.")
            .Accepts<AnswerRequest>("application/json")
            .Produces<AnswerStreamEvent>(StatusCodes.Status200OK, AiEndpoints.NdjsonMediaType)
            .ProducesValidationProblem();

        service.MapPost(AiEndpoints.Search, SearchAsync)
            .WithName("Search").WithSummary("Retrieves the passages that best match a query.");

        service.MapGet(AiEndpoints.Sources, async (string? documentId, string? section, int? page, SourceSectionReader sources, CancellationToken cancellationToken) =>
                string.IsNullOrWhiteSpace(documentId)
                    ? Results.ValidationProblem(new Dictionary<string, string[]> { ["documentId"] = ["A document id is required."] })
                    : await sources.ReadAsync(documentId, section, page, cancellationToken) is { } found
                        ? TypedResults.Ok(found)
                        : TypedResults.NotFound())
            .WithName("GetSource").WithSummary("A cited section in full: the document's passages of that section, in order.");

        service.MapPost(AiEndpoints.Ingestion, async (KnowledgeLibrary library, CancellationToken cancellationToken) =>
                TypedResults.Ok(await library.SyncAsync(cancellationToken)))
            .WithName("Ingest").WithSummary("Re-ingests the knowledge folder; unchanged files are skipped.");

        service.MapPut(AiEndpoints.Documents + "/{**path}", PutDocumentAsync)
            .WithName("PutDocument").WithSummary("Stores a document in the knowledge folder and ingests it; one that cannot be read is refused (422) and replaces nothing.")
            .Accepts<Stream>(DocumentMediaTypes[0], DocumentMediaTypes[1..]);

        service.MapDelete(AiEndpoints.Documents + "/{**path}", DeleteDocumentAsync)
            .WithName("DeleteDocument").WithSummary("Removes a document from the knowledge folder and from the index.");
        return endpoints;
    }

    private static async Task StreamAnswerAsync(
        HttpContext http,
        AnswerRequest? request,
        IChatAnswerer answerer,
        IOptions<AiOptions> options,
        ILogger<AnswerRequest> logger,
        CancellationToken cancellationToken)
    {
        var question = request?.Question?.Trim();
        if (string.IsNullOrEmpty(question) || question.Length > options.Value.MaxQuestionLength)
        {
            await TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["question"] = [$"The question must have 1 to {options.Value.MaxQuestionLength} characters."],
            }).ExecuteAsync(http);
            return;
        }

        http.Response.ContentType = AiEndpoints.NdjsonMediaType;
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        await http.Response.StartAsync(cancellationToken);

        var delay = TimeSpan.FromMilliseconds(options.Value.StreamDelayMilliseconds);
        try
        {
            await foreach (var update in answerer.AnswerAsync(question, cancellationToken))
            {
                AnswerStreamEvent line = update switch
                {
                    AnswerDelta delta => new AnswerDeltaEvent(delta.Text),
                    AnswerCitations citations => new AnswerCitationsEvent(citations.Citations),
                    AnswerFinished finished => new AnswerFinishedEvent(finished.Grounded, finished.Suggestions) { OffersHandoff = finished.OffersHandoff },
                    _ => throw new InvalidOperationException($"Unknown answer update {update.GetType().Name}."),
                };
                await WriteLineAsync(http, line, cancellationToken);
                if (line is AnswerDeltaEvent && delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay, cancellationToken);
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The status line is already sent; the error travels as the stream's last line.
            LogAnswerFailed(logger, e);
            await WriteLineAsync(http, new AnswerErrorEvent("engine_failed", e.Message), CancellationToken.None);
        }
    }

    private static async Task WriteLineAsync(HttpContext http, AnswerStreamEvent line, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(line, JsonSerializerOptions.Web);
        await http.Response.Body.WriteAsync(json, cancellationToken);
        await http.Response.Body.WriteAsync("\n"u8.ToArray(), cancellationToken);
        await http.Response.Body.FlushAsync(cancellationToken);
    }

    private static async Task<IResult> SearchAsync(SearchRequest? request, KnowledgeRetriever retriever, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request?.Query) || request.Top is < 1 or > 50)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["query"] = ["A non-empty query is required, and top must be 1 to 50 when given."],
            });
        }

        var result = request.Top is { } top
            ? await retriever.RetrieveAsync(request.Query, top, cancellationToken)
            : await retriever.RetrieveAsync(request.Query, cancellationToken);
        return TypedResults.Ok(new SearchResponse(
            result.NormalizedQuery,
            result.Confidence,
            result.IsConfident,
            [.. result.Passages.Select(p => new SearchHit(
                p.Chunk.DocumentId,
                p.Chunk.DocumentTitle,
                string.IsNullOrEmpty(p.Chunk.Section) ? null : p.Chunk.Section,
                p.Chunk.Text,
                p.Relevance))]));
    }

    private static async Task<IResult> PutDocumentAsync(string path, HttpRequest request, KnowledgeLibrary library, CancellationToken cancellationToken)
    {
        try
        {
            library.Resolve(path);
        }
        catch (ArgumentException e)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["path"] = [e.Message] });
        }

        var report = await library.PutAsync(path, request.Body, cancellationToken);
        return report.Failed is [var failure, ..]
            ? (IResult)TypedResults.Problem(
                statusCode: StatusCodes.Status422UnprocessableEntity,
                title: "unreadable document",
                detail: $"The document could not be read: {failure.Reason} The stored version, if any, is unchanged.",
                extensions: new Dictionary<string, object?> { ["code"] = "unreadable_document" })
            : TypedResults.Ok(report);
    }

    private static async Task<IResult> DeleteDocumentAsync(string path, KnowledgeLibrary library, CancellationToken cancellationToken)
    {
        try
        {
            return await library.DeleteAsync(path, cancellationToken) is { } report
                ? TypedResults.Ok(report)
                : TypedResults.NotFound();
        }
        catch (ArgumentException e)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["path"] = [e.Message] });
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The engine failed while streaming an answer")]
    private static partial void LogAnswerFailed(ILogger logger, Exception exception);
}

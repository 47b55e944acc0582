using System.Text.Json;
using Chatbot.Ai.Contracts;
using Chatbot.Hosting;
using Chatbot.Rag.Answering;
using Chatbot.Rag.Retrieval;
using Microsoft.AspNetCore.Http.Features;
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

        service.MapPost(AiEndpoints.Ingestion, async (IKnowledgeBase knowledge, CancellationToken cancellationToken) =>
                KnowledgeResults.Answer(await knowledge.SyncAsync(progress: null, cancellationToken), TypedResults.Ok))
            .WithName("Ingest").WithSummary("Syncs the index with the knowledge folder; unchanged files are skipped, an empty folder is refused (409).");

        service.MapGet(AiEndpoints.Documents, async (IKnowledgeBase knowledge, CancellationToken cancellationToken) =>
                TypedResults.Ok(await knowledge.ListAsync(cancellationToken)))
            .WithName("ListDocuments").WithSummary("The documents of the knowledge folder and whether each is indexed.");

        service.MapGet(AiEndpoints.Chunks, async (string? documentId, IKnowledgeBase knowledge, CancellationToken cancellationToken) =>
                string.IsNullOrWhiteSpace(documentId)
                    ? Results.ValidationProblem(new Dictionary<string, string[]> { ["documentId"] = ["A document id is required."] })
                    : await knowledge.GetChunksAsync(documentId, cancellationToken) is { } chunks
                        ? TypedResults.Ok(chunks)
                        : KnowledgeResults.Problem(new KnowledgeProblem(KnowledgeProblems.DocumentNotFound, "The document is not in the index.")))
            .WithName("GetDocumentChunks").WithSummary("The indexed chunks of one document, in order.");

        service.MapPut(AiEndpoints.Documents + "/{**path}", PutDocumentAsync)
            .WithName("PutDocument").WithSummary("Stores a document in the knowledge folder and ingests it; one that cannot be read is refused (422) and replaces nothing.")
            .Accepts<Stream>(DocumentMediaTypes[0], DocumentMediaTypes[1..]);

        service.MapDelete(AiEndpoints.Documents + "/{**path}", async (string path, IKnowledgeBase knowledge, CancellationToken cancellationToken) =>
                KnowledgeResults.Answer(await knowledge.DeleteAsync(path, cancellationToken), TypedResults.Ok))
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

    /// <summary>
    /// The body is read into the knowledge base up to <see cref="AiOptions.MaxDocumentBytes"/>; past it the server stops
    /// reading and the answer is <c>413 document_too_large</c>, as the Api's admin upload answers.
    /// </summary>
    private static async Task<IResult> PutDocumentAsync(string path, HttpRequest request, IKnowledgeBase knowledge, IOptions<AiOptions> options, CancellationToken cancellationToken)
    {
        var maxBytes = options.Value.MaxDocumentBytes;
        var tooLarge = new KnowledgeProblem(KnowledgeProblems.DocumentTooLarge, $"Documents may be at most {maxBytes:N0} bytes.");
        if (request.ContentLength > maxBytes)
        {
            return KnowledgeResults.Problem(tooLarge);
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = maxBytes;
        }

        try
        {
            return KnowledgeResults.Answer(await knowledge.PutAsync(path, request.Body, cancellationToken), TypedResults.Ok);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return KnowledgeResults.Problem(tooLarge);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The engine failed while streaming an answer")]
    private static partial void LogAnswerFailed(ILogger logger, Exception exception);
}

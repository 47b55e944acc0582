using System.Text.RegularExpressions;
using Chatbot.Ai.Contracts;
using Chatbot.Api.Engine;
using Chatbot.Api.Limits;
using Chatbot.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Chatbot.Api.Admin;

/// <summary>
/// The admin API's knowledge endpoints. Each goes through <see cref="IKnowledgeBase"/>: in-process with the embedded
/// engine, the AI service's with a remote one, so an upload lands where questions are answered from and both modes
/// answer with the same codes. Only the upload's transport rules are here: the multipart form, the size limit and the
/// flat <c>uploads/</c> file name.
/// </summary>
internal static partial class KnowledgeAdminApi
{
    /// <summary>The folder of the knowledge folder that uploads go to.</summary>
    public const string UploadsFolder = "uploads";

    public static RouteGroupBuilder MapKnowledgeAdminApi(this RouteGroupBuilder admin)
    {
        var knowledge = admin.MapGroup("").AddEndpointFilter(async (context, next) =>
        {
            try
            {
                return await next(context);
            }
            catch (AiServiceUnavailableException e)
            {
                LogUnavailable(context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(KnowledgeAdminApi)), e.Message);
                return KnowledgeResults.Problem(new KnowledgeProblem(KnowledgeProblems.Unavailable, "The AI service that holds the knowledge cannot be reached; nothing was changed. Try again shortly."));
            }
        });

        knowledge.MapPost("/ingestion", async (IKnowledgeBase knowledgeBase, CancellationToken ct) =>
            KnowledgeResults.Answer(await knowledgeBase.SyncAsync(progress: null, ct), TypedResults.Ok));
        knowledge.MapGet("/documents", async (IKnowledgeBase knowledgeBase, CancellationToken ct) =>
            TypedResults.Ok(await knowledgeBase.ListAsync(ct)));
        knowledge.MapPost("/documents", UploadAsync);
        knowledge.MapDelete("/documents/{**path}", async (string path, IKnowledgeBase knowledgeBase, CancellationToken ct) =>
            KnowledgeResults.Answer(await knowledgeBase.DeleteAsync(path, ct), TypedResults.Ok));
        knowledge.MapGet("/chunks", async (string? documentId, IKnowledgeBase knowledgeBase, CancellationToken ct) =>
            string.IsNullOrWhiteSpace(documentId)
                ? AdminApi.Invalid("invalid_document_id", "Name the document: ?documentId=…")
                : await knowledgeBase.GetChunksAsync(documentId, ct) is { } chunks
                    ? TypedResults.Ok(chunks)
                    : KnowledgeResults.Problem(new KnowledgeProblem(KnowledgeProblems.DocumentNotFound, "The document is not in the index.")));
        return admin;
    }

    /// <summary>
    /// Adds one document to the knowledge folder (under uploads/) and ingests it. The size is checked before the body is
    /// read and the name before anything is stored; the knowledge base refuses what it does not take and never replaces
    /// a document with one it cannot read.
    /// </summary>
    private static async Task<IResult> UploadAsync(HttpContext http, IKnowledgeBase knowledge, IOptions<RequestLimitOptions> limits, CancellationToken ct)
    {
        var maxBytes = limits.Value.MaxUploadBytes;
        if (http.Request.ContentLength > maxBytes + 16 * 1024)
        {
            return TooLarge(maxBytes);
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = maxBytes + 16 * 1024;
        }

        if (!http.Request.HasFormContentType)
        {
            return AdminApi.Invalid("invalid_upload", "Send the document as multipart/form-data with a 'file' field.");
        }

        IFormFile? file;
        try
        {
            var form = await http.Request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = maxBytes + 16 * 1024, ValueCountLimit = 16 }, ct);
            file = form.Files.GetFile("file");
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
        {
            return e is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } || e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase)
                ? TooLarge(maxBytes)
                : AdminApi.Invalid("invalid_upload", "The upload is not well-formed multipart/form-data.");
        }

        if (file is null)
        {
            return AdminApi.Invalid("invalid_upload", "The upload has no 'file' field.");
        }

        if (file.Length > maxBytes)
        {
            return TooLarge(maxBytes);
        }

        var name = file.FileName;
        if (!SafeFileName().IsMatch(name) || name.Contains("..", StringComparison.Ordinal))
        {
            return AdminApi.Invalid(KnowledgeProblems.InvalidFileName, "Name the document with letters, digits, spaces, '-', '_' or '.' (at most 100), starting with a letter or digit.");
        }

        var path = $"{UploadsFolder}/{name}";
        await using var content = file.OpenReadStream();
        var change = await knowledge.PutAsync(path, content, ct);
        return KnowledgeResults.Answer(change, report => TypedResults.Created(
            $"/api/admin/documents/{UploadsFolder}/{Uri.EscapeDataString(name)}",
            new UploadedDocument(KnowledgePaths.DocumentIdOf(path), path, report)));
    }

    private static IResult TooLarge(long maxBytes) => Results.Problem(
        statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "document too large",
        detail: $"Documents may be at most {maxBytes:N0} bytes.",
        extensions: new Dictionary<string, object?> { ["code"] = KnowledgeProblems.DocumentTooLarge, ["maxBytes"] = maxBytes });

    [GeneratedRegex(@"^[\p{L}\p{N}][\p{L}\p{N} _.\-]{0,99}$")]
    private static partial Regex SafeFileName();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Knowledge change refused with 503: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string reason);
}

/// <summary>What <c>POST /api/admin/documents</c> answers: the document's id, its path in the knowledge folder, and what ingestion did.</summary>
internal sealed record UploadedDocument(string Document, string Path, IngestionReport Summary);

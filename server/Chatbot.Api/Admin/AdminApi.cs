using System.Text.RegularExpressions;
using Chatbot.Api.Limits;
using Chatbot.Api.Sites;
using Chatbot.Data;
using Chatbot.Data.Conversations;
using Chatbot.Data.Sites;
using Chatbot.Privacy;
using Chatbot.Rag;
using Chatbot.Rag.Ingestion;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Chatbot.Api.Admin;

/// <summary>A new site or new origins, as the admin API takes them.</summary>
internal sealed record SiteRequest(string? Name, IReadOnlyList<string>? Origins, string? PublicKey = null);

/// <summary>A site as the admin API lists it; the secret only appears when it was just made.</summary>
internal sealed record SiteView(string PublicKey, string Name, IReadOnlyList<string> Origins, bool Enabled, DateTime CreatedAtUtc, string? IdentitySecret)
{
    public static SiteView Of(PartnerSiteRecord site, bool withSecret) =>
        new(site.PublicKey, site.Name, site.AllowedOrigins, site.Enabled, site.CreatedAtUtc, withSecret ? site.IdentitySecret : null);
}

/// <summary>Operator endpoints: the admin group under /api/admin/, which requires <see cref="AdminAuthentication.Policy"/>.</summary>
internal static partial class AdminApi
{
    private const int MaxExported = 1000;
    private static readonly SemaphoreSlim IngestionGate = new(1, 1);

    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder endpoints)
    {
        var admin = endpoints.MapGroup("/api/admin")
            .RequireRateLimiting(RateLimiting.RateLimitingExtensions.PerAddressPolicy)
            .RequireAuthorization(AdminAuthentication.Policy)
            .AddEndpointFilter<AdminApiAudit>();

        admin.MapGet("/sites", async (SiteChanges sites, CancellationToken ct) =>
            Results.Ok((await sites.ListAsync(ct)).Select(s => SiteView.Of(s, withSecret: false))));

        admin.MapPost("/sites", async (SiteRequest? request, SiteChanges sites, CancellationToken ct) =>
        {
            try
            {
                var site = await sites.AddAsync(request?.Name ?? "", request?.Origins ?? [], string.IsNullOrWhiteSpace(request?.PublicKey) ? null : request.PublicKey, ct);
                return Results.Created($"/api/admin/sites/{site.PublicKey}", SiteView.Of(site, withSecret: true));
            }
            catch (InvalidSiteException e)
            {
                return Invalid("invalid_site", e.Message);
            }
        });

        admin.MapPost("/sites/{key}/rotate", async (string key, SiteChanges sites, CancellationToken ct) =>
            Changed(await sites.RotateSecretAsync(key, ct), withSecret: true));
        admin.MapPost("/sites/{key}/disable", async (string key, SiteChanges sites, CancellationToken ct) =>
            Changed(await sites.SetEnabledAsync(key, enabled: false, ct), withSecret: false));
        admin.MapPost("/sites/{key}/enable", async (string key, SiteChanges sites, CancellationToken ct) =>
            Changed(await sites.SetEnabledAsync(key, enabled: true, ct), withSecret: false));
        admin.MapPut("/sites/{key}/origins", async (string key, SiteRequest? request, SiteChanges sites, CancellationToken ct) =>
        {
            try
            {
                return Changed(await sites.SetOriginsAsync(key, request?.Origins ?? [], ct), withSecret: false);
            }
            catch (InvalidSiteException e)
            {
                return Invalid("invalid_site", e.Message);
            }
        });

        admin.MapGet("/conversations", ExportAsync);
        admin.MapPost("/ingestion", IngestAsync);
        admin.MapPost("/documents", UploadAsync);
        admin.MapPost("/retention/sweep", async (Retention.RetentionSweep sweep, CancellationToken ct) => Results.Ok(await sweep.RunAsync(ct)));
        admin.MapCounsellorReplyApi();

        // Any other address under /api/admin/ is the group's too, so a caller without the credential cannot tell which exist.
        admin.Map("/{**rest}", () => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "not found", detail: "There is no such admin endpoint."));
        return endpoints;
    }

    private static IResult Changed(PartnerSiteRecord? site, bool withSecret) => site is null
        ? Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "site not found", detail: "No site has this key.", extensions: new Dictionary<string, object?> { ["code"] = "site_not_found" })
        : Results.Ok(SiteView.Of(site, withSecret));

    /// <summary>Conversations with their messages, newest first, for a site and/or a period.</summary>
    private static async Task<IResult> ExportAsync(
        string? site, DateTimeOffset? since, DateTimeOffset? until, int? limit, IDbContextFactory<ChatDbContext> contexts, CancellationToken ct)
    {
        if (limit is < 1 or > MaxExported)
        {
            return Invalid("invalid_limit", $"limit must be between 1 and {MaxExported}.");
        }

        await using var context = contexts.CreateDbContext();
        var query = context.Conversations.AsNoTracking().VisibleTo(ConversationCaller.Staff);
        if (site is not null)
        {
            query = query.Where(c => c.SiteKey == site);
        }

        if (since is { } from)
        {
            var fromUtc = from.UtcDateTime;
            query = query.Where(c => c.UpdatedAtUtc >= fromUtc);
        }

        if (until is { } to)
        {
            var toUtc = to.UtcDateTime;
            query = query.Where(c => c.CreatedAtUtc < toUtc);
        }

        var conversations = await query.OrderByDescending(c => c.UpdatedAtUtc).Take(limit ?? 100)
            .Select(c => new
            {
                ConversationId = c.Id,
                c.SiteKey,
                c.UserId,
                c.CreatedAtUtc,
                c.UpdatedAtUtc,
                Messages = c.Messages.OrderBy(m => m.Sequence).Select(m => new { m.Id, m.Sequence, Role = m.Role.ToString(), Status = m.Status.ToString(), m.Content, m.ClientMessageId, m.CreatedAtUtc }).ToList(),
            })
            .ToListAsync(ct);
        return Results.Ok(conversations);
    }

    private static async Task<IResult> IngestAsync(KnowledgeIngestor ingestor, IOptions<RagOptions> rag, CancellationToken ct)
    {
        if (!await IngestionGate.WaitAsync(TimeSpan.Zero, ct))
        {
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "ingestion running", detail: "An ingestion is already running.", extensions: new Dictionary<string, object?> { ["code"] = "ingestion_running" });
        }

        try
        {
            Directory.CreateDirectory(rag.Value.KnowledgePath);
            return Results.Ok(await ingestor.IngestDirectoryAsync(rag.Value.KnowledgePath, progress: null, ct));
        }
        finally
        {
            IngestionGate.Release();
        }
    }

    /// <summary>
    /// Adds one document to the knowledge folder (under uploads/) and ingests it. The name is checked before anything
    /// is written, the size before the body is read, and a document the readers cannot parse never replaces the one of
    /// the same name (neither its file nor its indexed chunks).
    /// </summary>
    private static async Task<IResult> UploadAsync(HttpContext http, KnowledgeIngestor ingestor, PersonalDataMasker masker, IOptions<RagOptions> rag, IOptions<RequestLimitOptions> limits, CancellationToken ct)
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
            return Invalid("invalid_upload", "Send the document as multipart/form-data with a 'file' field.");
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
                : Invalid("invalid_upload", "The upload is not well-formed multipart/form-data.");
        }

        if (file is null)
        {
            return Invalid("invalid_upload", "The upload has no 'file' field.");
        }

        if (file.Length > maxBytes)
        {
            return TooLarge(maxBytes);
        }

        if (file.Length == 0)
        {
            return Invalid("empty_document", "The document is empty.");
        }

        var name = file.FileName;
        if (!SafeFileName().IsMatch(name) || name.Contains("..", StringComparison.Ordinal) || !ingestor.SupportedExtensions.Contains(Path.GetExtension(name), StringComparer.OrdinalIgnoreCase))
        {
            return Invalid("invalid_file_name", $"Name the document with letters, digits, spaces, '-', '_' or '.', ending in one of: {string.Join(", ", ingestor.SupportedExtensions.Order())}.");
        }

        if (masker.ContainsPersonalData(name))
        {
            // The name becomes the document's id, stored and cited as it is (the ingestor refuses such files too).
            return Invalid("personal_data_in_file_name", "The document name holds personal data (a registration, phone, card or account number, an e-mail address); rename it.");
        }

        if (!await IngestionGate.WaitAsync(TimeSpan.FromSeconds(30), ct))
        {
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "ingestion running", detail: "An ingestion is already running.", extensions: new Dictionary<string, object?> { ["code"] = "ingestion_running" });
        }

        try
        {
            var uploads = Path.Combine(rag.Value.KnowledgePath, "uploads");
            Directory.CreateDirectory(uploads);
            var path = Path.Combine(uploads, name);
            if (!Path.GetFullPath(path).StartsWith(Path.GetFullPath(uploads) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                return Invalid("invalid_file_name", "The document name leaves the uploads folder.");
            }

            // The upload waits in a hidden file beside its place (folder ingestion skips hidden files) and replaces the
            // document only once it is read and indexed: a re-upload that cannot be read leaves the stored file and
            // its chunks as they were.
            var relative = $"uploads/{name}";
            var temporary = Path.Combine(uploads, $".{name}.{Guid.NewGuid():N}.uploading");
            IngestionSummary summary;
            try
            {
                await using (var target = File.Create(temporary))
                {
                    await file.CopyToAsync(target, ct);
                }

                summary = await ingestor.IngestDocumentAsync(rag.Value.KnowledgePath, relative, temporary, ct);
                if (summary.Failed is [var failure, ..])
                {
                    return Results.Problem(
                        statusCode: StatusCodes.Status422UnprocessableEntity,
                        title: "unreadable document",
                        detail: $"The document could not be read: {failure.Reason} The stored version, if any, is unchanged.",
                        extensions: new Dictionary<string, object?> { ["code"] = "unreadable_document" });
                }

                File.Move(temporary, path, overwrite: true);
            }
            finally
            {
                File.Delete(temporary);
            }

            return Results.Created($"/api/admin/documents/{Uri.EscapeDataString(name)}", new { document = KnowledgeIngestor.DocumentIdOf(relative), summary });
        }
        finally
        {
            IngestionGate.Release();
        }
    }

    private static IResult TooLarge(long maxBytes) => Results.Problem(
        statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "document too large",
        detail: $"Documents may be at most {maxBytes:N0} bytes.",
        extensions: new Dictionary<string, object?> { ["code"] = "document_too_large", ["maxBytes"] = maxBytes });

    private static IResult Invalid(string code, string detail) =>
        Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: code.Replace('_', ' '), detail: detail, extensions: new Dictionary<string, object?> { ["code"] = code });

    [GeneratedRegex(@"^[\p{L}\p{N}][\p{L}\p{N} _.\-]{0,99}$")]
    private static partial Regex SafeFileName();
}

using Chatbot.Api.Sites;
using Chatbot.Data;
using Chatbot.Data.Conversations;
using Chatbot.Data.Sites;
using Microsoft.EntityFrameworkCore;

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
internal static class AdminApi
{
    private const int MaxExported = 1000;

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
        admin.MapKnowledgeAdminApi();
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

    internal static IResult Invalid(string code, string detail) =>
        Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: code.Replace('_', ' '), detail: detail, extensions: new Dictionary<string, object?> { ["code"] = code });
}

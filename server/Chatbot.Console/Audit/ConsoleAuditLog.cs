using Chatbot.CounsellorConsole.Data;
using Microsoft.EntityFrameworkCore;

namespace Chatbot.CounsellorConsole.Audit;

/// <summary>The audit log in the console's own table, <c>console_audit</c>, on either provider.</summary>
internal sealed class ConsoleAuditLog(IDbContextFactory<ConsoleDbContext> contexts, TimeProvider clock) : IAuditLog
{
    public const int MaxTake = 200;

    public async Task RecordAsync(AuditActor actor, string action, string? target, string? detail, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentException.ThrowIfNullOrWhiteSpace(action);
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        context.AuditEntries.Add(new AuditEntry
        {
            AtUtc = clock.GetUtcNow().UtcDateTime,
            ActorId = actor.UserId,
            ActorName = Clip(actor.Name, ConsoleDbContext.AuditNameLength)!,
            RemoteAddress = Clip(actor.RemoteAddress, ConsoleDbContext.AuditAddressLength),
            Action = action,
            Target = Clip(target, ConsoleDbContext.AuditTextLength),
            Detail = Clip(detail, ConsoleDbContext.AuditTextLength),
        });
        await context.SaveChangesAsync(cancellationToken);
    }

    public async Task<AuditResults> ListAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var entries = context.AuditEntries.AsNoTracking();
        if (query.FromUtc is { } from)
        {
            entries = entries.Where(e => e.AtUtc >= from);
        }

        if (query.ToUtc is { } to)
        {
            entries = entries.Where(e => e.AtUtc < to);
        }

        if (!string.IsNullOrWhiteSpace(query.Action))
        {
            entries = entries.Where(e => e.Action == query.Action);
        }

        if (!string.IsNullOrWhiteSpace(query.Actor))
        {
            var actor = query.Actor.Trim();
            entries = entries.Where(e => e.ActorName.Contains(actor));
        }

        var total = await entries.CountAsync(cancellationToken);
        var page = await entries
            .OrderByDescending(e => e.Id)
            .Skip(Math.Max(0, query.Skip))
            .Take(Math.Clamp(query.Take, 1, MaxTake))
            .ToListAsync(cancellationToken);
        foreach (var entry in page)
        {
            entry.AtUtc = DateTime.SpecifyKind(entry.AtUtc, DateTimeKind.Utc);
        }

        return new AuditResults(page, total);
    }

    private static string? Clip(string? text, int length) => text is null || text.Length <= length ? text : text[..length];
}

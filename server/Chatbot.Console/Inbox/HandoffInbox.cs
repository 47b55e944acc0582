using Chatbot.CounsellorConsole.Audit;
using Chatbot.CounsellorConsole.Data;
using Chatbot.Privacy;
using Microsoft.EntityFrameworkCore;

namespace Chatbot.CounsellorConsole.Inbox;

/// <summary>One line of the inbox: the request and the console's work on it.</summary>
public sealed record InboxItem(HandoffRequestView Request, HandoffCase? Case)
{
    public bool IsClaimed => Case is not null;

    public bool IsResolved => Case?.ResolvedAtUtc is not null;
}

/// <summary>
/// The counsellor's side of a handoff: list the open requests, claim one, reply in its conversation, resolve it with an
/// optional internal note. First-response and resolution times are stamped here, once, and each step is audited.
/// </summary>
public sealed class HandoffInbox(IHandoffDesk desk, IDbContextFactory<ConsoleDbContext> contexts, HandoffSignals signals, PersonalDataMasker masker, IAuditLog audit, TimeProvider clock)
{
    /// <summary>How far back the inbox looks for requests not yet resolved.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromDays(7);

    public const int MaxNoteLength = 2000;

    /// <summary>Requests not yet resolved, oldest waiting first.</summary>
    public async Task<IReadOnlyList<InboxItem>> ListOpenAsync(CancellationToken cancellationToken)
    {
        var since = clock.GetUtcNow().UtcDateTime - Window;
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var resolved = (await context.HandoffCases.AsNoTracking()
            .Where(c => c.ResolvedAtUtc != null && c.ClaimedAtUtc >= since)
            .Select(c => c.HandoffId)
            .ToListAsync(cancellationToken)).ToHashSet();
        var requests = await desk.ListRequestsAsync(since, resolved, cancellationToken);
        var ids = requests.Select(r => r.HandoffId).ToList();
        var cases = await context.HandoffCases.AsNoTracking().Where(c => ids.Contains(c.HandoffId)).ToDictionaryAsync(c => c.HandoffId, cancellationToken);
        return [.. requests
            .Select(r => new InboxItem(r, cases.GetValueOrDefault(r.HandoffId)))
            .Where(i => !i.IsResolved)
            .OrderBy(i => i.Request.RequestedAtUtc)];
    }

    public Task<Dongyang.Chat.Protocol.ConversationHistory?> GetTranscriptAsync(Guid conversationId, CancellationToken cancellationToken) =>
        desk.GetTranscriptAsync(conversationId, cancellationToken);

    public async Task<InboxItem?> FindAsync(Guid handoffId, CancellationToken cancellationToken)
    {
        if (await desk.FindRequestAsync(handoffId, cancellationToken) is not { } request)
        {
            return null;
        }

        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        return new InboxItem(request, await context.HandoffCases.AsNoTracking().FirstOrDefaultAsync(c => c.HandoffId == handoffId, cancellationToken));
    }

    /// <summary>Claims a request for a counsellor; false when a colleague claimed it first.</summary>
    public async Task<bool> ClaimAsync(Guid handoffId, AuditActor counsellor, string displayName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(counsellor);
        var userId = counsellor.UserId ?? throw new ArgumentException("Only a console account can claim a request.", nameof(counsellor));
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        if (await context.HandoffCases.FirstOrDefaultAsync(c => c.HandoffId == handoffId, cancellationToken) is { } existing)
        {
            return existing.ClaimedByUserId == userId;
        }

        context.HandoffCases.Add(new HandoffCase
        {
            HandoffId = handoffId,
            ClaimedByUserId = userId,
            ClaimedByName = displayName,
            ClaimedAtUtc = clock.GetUtcNow().UtcDateTime,
        });
        try
        {
            await context.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // A colleague's claim landed between the read and the write: theirs stands.
            return false;
        }

        await audit.RecordAsync(counsellor, AuditActions.HandoffClaim, handoffId.ToString(), null, cancellationToken);
        signals.Raise();
        return true;
    }

    /// <summary>Replies in the request's conversation; the first reply stamps the first-response time.</summary>
    public async Task<CounsellorReplyRefusal?> ReplyAsync(InboxItem item, string text, AuditActor counsellor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (item.Request.ConversationId is not { } conversationId)
        {
            return new CounsellorReplyRefusal("no_conversation", "이 요청에는 대화가 없어 답장할 수 없습니다. / This request has no conversation to reply in.");
        }

        if (await desk.ReplyAsync(conversationId, text, cancellationToken) is { } refusal)
        {
            return refusal;
        }

        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        await context.HandoffCases
            .Where(c => c.HandoffId == item.Request.HandoffId && c.FirstResponseAtUtc == null)
            .ExecuteUpdateAsync(c => c.SetProperty(x => x.FirstResponseAtUtc, now), cancellationToken);

        // The reply's words are in the conversation; the audit line says who sent one, where.
        await audit.RecordAsync(counsellor, AuditActions.HandoffReply, item.Request.HandoffId.ToString(), $"conversation={conversationId}", cancellationToken);
        return null;
    }

    /// <summary>Resolves a request; the note is for colleagues only and is masked like everything else stored.</summary>
    public async Task ResolveAsync(Guid handoffId, string? note, AuditActor counsellor, CancellationToken cancellationToken)
    {
        var masked = string.IsNullOrWhiteSpace(note) ? null : masker.Mask(note.Trim());
        if (masked is { Length: > MaxNoteLength })
        {
            throw new ArgumentException($"메모는 {MaxNoteLength}자까지 쓸 수 있습니다. (The note may be at most {MaxNoteLength} characters.)", nameof(note));
        }

        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var resolved = await context.HandoffCases
            .Where(c => c.HandoffId == handoffId && c.ResolvedAtUtc == null)
            .ExecuteUpdateAsync(c => c.SetProperty(x => x.ResolvedAtUtc, now).SetProperty(x => x.ResolutionNote, masked), cancellationToken);
        if (resolved > 0)
        {
            await audit.RecordAsync(counsellor, AuditActions.HandoffResolve, handoffId.ToString(), masked is null ? null : "with note", cancellationToken);
        }

        signals.Raise();
    }
}

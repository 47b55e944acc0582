using System.Text.Encodings.Web;
using System.Text.Json;
using Chatbot.Data.Entities;
using Dongyang.Chat.Protocol;
using Microsoft.EntityFrameworkCore;

namespace Chatbot.Data.Conversations;

/// <summary>Durable conversation history. Each call uses its own short-lived context, so a long streamed answer holds no connection.</summary>
public sealed class ConversationStore(IDbContextFactory<ChatDbContext> contextFactory, TimeProvider clock, DatabaseWriteGate writes)
{
    private const int MaxSequenceAttempts = 5;

    /// <summary>How long after a question was stored a resend waits for the first request's answer.</summary>
    public static readonly TimeSpan InFlightAnswerWait = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The stored question with this client id in the caller's scope (<see cref="ClientMessageScope.ForQuestion"/>), or
    /// null. A probe of the idempotency key, not a read for the caller: nothing found here is replayed before
    /// <see cref="ConversationAccess.CanAccessAsync"/> admits its conversation, and its answer is read through
    /// <see cref="FindOrAwaitAnswerAsync"/>, which checks again.
    /// </summary>
    public async Task<Message?> FindQuestionAsync(ClientMessageScope scope, string clientMessageId, CancellationToken cancellationToken)
    {
        var (value, firstScope, firstOf) = (scope.Value, scope.FirstMessageScope, scope.FirstMessageOf);
        var anonymousFirstScope = firstScope + ClientMessageScope.AnonymousPart;
        await using var context = contextFactory.CreateDbContext();
        return await context.Messages.AsNoTracking()
            .Where(m => m.ClientMessageId == clientMessageId && m.Role == MessageRole.User)
            .Where(m => m.ClientMessageScope == value || (firstScope != null && (m.ClientMessageScope == firstScope || m.ClientMessageScope!.StartsWith(anonymousFirstScope)) && m.ConversationId == firstOf))
            .FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>The stored message of any role with this client id in this scope, or null (a probe, like <see cref="FindQuestionAsync"/>).</summary>
    public async Task<Message?> FindByClientMessageIdAsync(string scope, string clientMessageId, CancellationToken cancellationToken)
    {
        await using var context = contextFactory.CreateDbContext();
        return await context.Messages.AsNoTracking()
            .FirstOrDefaultAsync(m => m.ClientMessageScope == scope && m.ClientMessageId == clientMessageId, cancellationToken);
    }

    /// <summary>
    /// The complete answer to a question that may still be being answered by a concurrent request with the same
    /// client id: waits (up to <see cref="InFlightAnswerWait"/> after the question was stored) for that answer, so a
    /// resend never answers twice. Null when there is none to wait for: the earlier answer was interrupted, or the
    /// question is older than the wait and still unanswered; the caller then answers it. The answer is read only from a
    /// conversation <paramref name="caller"/> may see; a question in anyone else's is a caller's mistake and throws.
    /// </summary>
    public async Task<Message?> FindOrAwaitAnswerAsync(Message question, ConversationCaller caller, CancellationToken cancellationToken)
    {
        await using (var check = contextFactory.CreateDbContext())
        {
            if (!await check.Conversations.VisibleTo(caller, question.ConversationId).AnyAsync(cancellationToken))
            {
                throw new InvalidOperationException("The question is in a conversation the caller may not see; check access before replaying it.");
            }
        }

        var deadline = DateTime.SpecifyKind(question.CreatedAtUtc, DateTimeKind.Utc) + InFlightAnswerWait;
        while (true)
        {
            // One read, so an answer committed in between cannot look "interrupted".
            await using (var context = contextFactory.CreateDbContext())
            {
                var answers = await context.Messages.AsNoTracking()
                    .In(context.Conversations.VisibleTo(caller, question.ConversationId))
                    .Where(m => m.ReplyToId == question.Id)
                    .OrderByDescending(m => m.Sequence)
                    .ToListAsync(cancellationToken);
                if (answers.FirstOrDefault(m => m.Status == MessageStatus.Complete) is { } answer)
                {
                    return answer;
                }

                if (answers.Count > 0 || clock.GetUtcNow().UtcDateTime >= deadline)
                {
                    return null;
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), clock, cancellationToken);
        }
    }

    /// <summary>
    /// Stores a question durably, creating the conversation when <paramref name="conversationId"/> is null.
    /// The client id is stored under <paramref name="scope"/>; when it is already taken there (a concurrent resend),
    /// returns the message stored first, with <c>Stored</c> false, without checking that it is the same question.
    /// </summary>
    public async Task<(Message Question, bool Stored)> AddQuestionAsync(Guid? conversationId, string content, string? clientMessageId, ClientMessageScope scope, CancellationToken cancellationToken)
    {
        var id = conversationId ?? Guid.CreateVersion7();
        if (conversationId is null)
        {
            await using var context = contextFactory.CreateDbContext();
            var now = clock.GetUtcNow().UtcDateTime;
            context.Conversations.Add(new Conversation { Id = id, CreatedAtUtc = now, UpdatedAtUtc = now });
            using (await writes.EnterAsync(cancellationToken))
            {
                await context.SaveChangesAsync(cancellationToken);
            }
        }

        // The scope is the caller's, but the caller still decides whether the message stored first is this request's.
        return await AppendOnceAsync(NewMessage(id, MessageRole.User, content, clientMessageId, scope), cancellationToken);
    }

    public Task<Message> AddAnswerAsync(
        Message question,
        string content,
        MessageStatus status,
        bool grounded,
        IReadOnlyList<Citation> citations,
        IReadOnlyList<string> suggestions,
        CancellationToken cancellationToken) =>
        AppendAsync(question.ConversationId, new Message
        {
            Id = Guid.CreateVersion7(),
            ConversationId = question.ConversationId,
            Role = MessageRole.Assistant,
            Content = content,
            Status = status,
            ReplyToId = question.Id,
            Grounded = grounded,
            CitationsJson = JsonSerializer.Serialize(citations, JsonSerializerOptions.Web),
            SuggestionsJson = JsonSerializer.Serialize(suggestions, JsonSerializerOptions.Web),
        }, cancellationToken);

    /// <summary>
    /// Stores a counsellor's reply, its client id in the conversation's counsellor scope. A resend with a known client
    /// id returns the reply stored first, with <c>Stored</c> false; <c>Message</c> is null when that id was used for
    /// another text.
    /// </summary>
    public async Task<(Message? Message, bool Stored)> AddCounsellorReplyAsync(Guid conversationId, string content, string? clientMessageId, CancellationToken cancellationToken)
    {
        var scope = ClientMessageScope.ForCounsellorReply(conversationId);
        var (reply, stored) = await AppendOnceAsync(NewMessage(conversationId, MessageRole.Counsellor, content, clientMessageId, scope), cancellationToken);
        return (stored || IsResendOf(reply, MessageRole.Counsellor, content) ? reply : null, stored);
    }

    /// <summary>
    /// Whether a message found under a request's client id is what the request resends: the same role and the same
    /// (masked) text. The same id with another text is a different message, refused as a conflict, never answered
    /// with the one stored first.
    /// </summary>
    public static bool IsResendOf(Message stored, MessageRole role, string maskedContent) =>
        stored.Role == role && string.Equals(stored.Content, maskedContent, StringComparison.Ordinal);

    private static Message NewMessage(Guid conversationId, MessageRole role, string content, string? clientMessageId, ClientMessageScope scope) => new()
    {
        Id = Guid.CreateVersion7(),
        ConversationId = conversationId,
        Role = role,
        Content = content,
        Status = MessageStatus.Complete,
        ClientMessageId = clientMessageId,
        ClientMessageScope = clientMessageId is null ? null : scope.Value,
    };

    /// <summary>
    /// Appends a message; when its client id is already taken in its scope (a concurrent resend), returns the message
    /// stored first instead, with <c>Stored</c> false.
    /// </summary>
    private async Task<(Message Message, bool Stored)> AppendOnceAsync(Message message, CancellationToken cancellationToken)
    {
        try
        {
            return (await AppendAsync(message.ConversationId, message, cancellationToken), true);
        }
        catch (DbUpdateException) when (message is { ClientMessageId: { } clientMessageId, ClientMessageScope: { } scope })
        {
            return (await FindByClientMessageIdAsync(scope, clientMessageId, CancellationToken.None)
                ?? throw new InvalidOperationException("The message could not be stored."), false);
        }
    }

    /// <summary>
    /// The conversation as its customer sees it, or null when <paramref name="caller"/> may not see it;
    /// <paramref name="notice"/> tells a handoff request as the protocol carries it.
    /// </summary>
    public async Task<ConversationHistory?> GetHistoryAsync(Guid conversationId, ConversationCaller caller, Func<Guid, DateTimeOffset, HandoffNotice> notice, CancellationToken cancellationToken)
    {
        await using var context = contextFactory.CreateDbContext();
        var conversation = context.Conversations.AsNoTracking().VisibleTo(caller, conversationId);
        var stored = await conversation.Select(c => new { c.ContextJson }).FirstOrDefaultAsync(cancellationToken);
        if (stored is null)
        {
            return null;
        }

        var messages = await context.Messages.AsNoTracking()
            .In(conversation)
            .OrderBy(m => m.Sequence)
            .ToListAsync(cancellationToken);

        // Ratings and handoff requests are part of the conversation the customer sees, so a reload shows them again.
        var ratings = (await context.Feedback.AsNoTracking()
                .In(conversation)
                .Select(f => new { f.MessageId, f.Rating, f.CreatedAtUtc })
                .ToListAsync(cancellationToken))
            .GroupBy(f => f.MessageId)
            .ToDictionary(g => g.Key, g => g.OrderBy(f => f.CreatedAtUtc).Last().Rating);
        var handoffs = await context.Handoffs.AsNoTracking()
            .In(conversation)
            .OrderBy(h => h.CreatedAtUtc)
            .Select(h => new { h.Id, h.CreatedAtUtc })
            .ToListAsync(cancellationToken);
        return new ConversationHistory(conversationId, [.. messages.Select(m => ToChatMessage(m) with { Rating = ratings.TryGetValue(m.Id, out var rating) ? rating : null })])
        {
            Handoffs = [.. handoffs.Select(h => notice(h.Id, Utc(h.CreatedAtUtc)))],
            Context = stored.ContextJson is { } json ? JsonSerializer.Deserialize<Dictionary<string, string>>(json, JsonSerializerOptions.Web) : null,
        };
    }

    // Korean text as itself, not as \uXXXX (six characters each), so that the largest context ChatLimits allows fits
    // the column; the JSON is only ever read back by the deserializer, never written into a page.
    private static readonly JsonSerializerOptions ContextJson = new(JsonSerializerOptions.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Replaces the page context stored with a conversation the caller may see (already validated and masked).</summary>
    public async Task SetContextAsync(Guid conversationId, ConversationCaller caller, IReadOnlyDictionary<string, string> pageContext, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(pageContext, ContextJson);
        await using var context = contextFactory.CreateDbContext();
        using (await writes.EnterAsync(cancellationToken))
        {
            await context.Conversations.VisibleTo(caller, conversationId)
                .ExecuteUpdateAsync(c => c.SetProperty(x => x.ContextJson, json), cancellationToken);
        }
    }

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    public static IReadOnlyList<Citation> ReadCitations(Message message) =>
        message.CitationsJson is null ? [] : JsonSerializer.Deserialize<List<Citation>>(message.CitationsJson, JsonSerializerOptions.Web) ?? [];

    public static IReadOnlyList<string> ReadSuggestions(Message message) =>
        message.SuggestionsJson is null ? [] : JsonSerializer.Deserialize<List<string>>(message.SuggestionsJson, JsonSerializerOptions.Web) ?? [];

    /// <summary>The protocol's name for a stored role (<see cref="MessageRoles"/>).</summary>
    public static string RoleName(MessageRole role) => role switch
    {
        MessageRole.User => MessageRoles.User,
        MessageRole.Counsellor => MessageRoles.Counsellor,
        _ => MessageRoles.Assistant,
    };

    private static ChatMessage ToChatMessage(Message message) => new(
        message.Id,
        RoleName(message.Role),
        message.Content,
        Utc(message.CreatedAtUtc),
        message.ClientMessageId,
        message.Grounded,
        ReadCitations(message));

    /// <summary>
    /// Appends at the next sequence number. The conversation row is written first inside the transaction, which
    /// takes its lock (a row lock on PostgreSQL, the write lock on SQLite): concurrent appends to one conversation
    /// queue there and each reads the sequence its predecessor committed. The unique (conversation, sequence) index
    /// stays as the backstop; a writer it rejects retries.
    /// </summary>
    private async Task<Message> AppendAsync(Guid conversationId, Message message, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var context = contextFactory.CreateDbContext();
            try
            {
                using var turn = await writes.EnterAsync(cancellationToken);

                // A retrying execution strategy (Npgsql's) must own the whole transaction so it can replay it.
                return await context.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
                {
                    await using var attemptContext = contextFactory.CreateDbContext();
                    await using var transaction = await attemptContext.Database.BeginTransactionAsync(cancellationToken);
                    var now = clock.GetUtcNow().UtcDateTime;
                    await attemptContext.Conversations.Where(c => c.Id == conversationId)
                        .ExecuteUpdateAsync(c => c.SetProperty(x => x.UpdatedAtUtc, now), cancellationToken);
                    var last = await attemptContext.Messages.Where(m => m.ConversationId == conversationId).MaxAsync(m => (int?)m.Sequence, cancellationToken) ?? 0;
                    message.Sequence = last + 1;

                    // Stamped after the update above has locked the conversation row: an append that waited there for a
                    // concurrent one is never stamped before it, so time order and sequence order agree.
                    message.CreatedAtUtc = clock.GetUtcNow().UtcDateTime;
                    attemptContext.Messages.Add(message);
                    await attemptContext.SaveChangesAsync(cancellationToken);
                    await transaction.CommitAsync(cancellationToken);
                    return message;
                });
            }
            catch (DbUpdateException) when (attempt < MaxSequenceAttempts)
            {
                if (message.ClientMessageId is not null
                    && await context.Messages.AnyAsync(m => m.ClientMessageScope == message.ClientMessageScope && m.ClientMessageId == message.ClientMessageId, cancellationToken))
                {
                    // A concurrent resend won the race; the caller returns the question stored first.
                    throw;
                }
            }
        }
    }
}

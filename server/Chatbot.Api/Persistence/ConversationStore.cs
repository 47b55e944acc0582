using System.Text.Json;
using Chatbot.Data;
using Chatbot.Data.Entities;
using Dongyang.Chat.Protocol;
using Microsoft.EntityFrameworkCore;

namespace Chatbot.Api.Persistence;

/// <summary>Durable conversation history. Each call uses its own short-lived context, so a long streamed answer holds no connection.</summary>
internal sealed class ConversationStore(IDbContextFactory<ChatDbContext> contextFactory, TimeProvider clock)
{
    private const int MaxSequenceAttempts = 5;

    /// <summary>The stored question with this client id, with its conversation, or null.</summary>
    public async Task<Message?> FindQuestionAsync(string clientMessageId, CancellationToken cancellationToken)
    {
        await using var context = contextFactory.CreateDbContext();
        return await context.Messages.AsNoTracking()
            .FirstOrDefaultAsync(m => m.ClientMessageId == clientMessageId && m.Role == MessageRole.User, cancellationToken);
    }

    /// <summary>The newest complete answer to a question, or null.</summary>
    public async Task<Message?> FindCompleteAnswerAsync(Guid questionId, CancellationToken cancellationToken)
    {
        await using var context = contextFactory.CreateDbContext();
        return await context.Messages.AsNoTracking()
            .Where(m => m.ReplyToId == questionId && m.Status == MessageStatus.Complete)
            .OrderByDescending(m => m.Sequence)
            .FirstOrDefaultAsync(cancellationToken);
    }

    public async Task<bool> ConversationExistsAsync(Guid conversationId, CancellationToken cancellationToken)
    {
        await using var context = contextFactory.CreateDbContext();
        return await context.Conversations.AnyAsync(c => c.Id == conversationId, cancellationToken);
    }

    /// <summary>
    /// Stores a question durably, creating the conversation when <paramref name="conversationId"/> is null.
    /// A concurrent resend of the same client id returns the question stored first.
    /// </summary>
    public async Task<Message> AddQuestionAsync(Guid? conversationId, string content, string? clientMessageId, CancellationToken cancellationToken)
    {
        var id = conversationId ?? Guid.CreateVersion7();
        if (conversationId is null)
        {
            await using var context = contextFactory.CreateDbContext();
            var now = clock.GetUtcNow().UtcDateTime;
            context.Conversations.Add(new Conversation { Id = id, CreatedAtUtc = now, UpdatedAtUtc = now });
            await context.SaveChangesAsync(cancellationToken);
        }

        try
        {
            return await AppendAsync(id, new Message
            {
                Id = Guid.CreateVersion7(),
                ConversationId = id,
                Role = MessageRole.User,
                Content = content,
                Status = MessageStatus.Complete,
                ClientMessageId = clientMessageId,
            }, cancellationToken);
        }
        catch (DbUpdateException) when (clientMessageId is not null)
        {
            return await FindQuestionAsync(clientMessageId, CancellationToken.None) ?? throw new InvalidOperationException("The question could not be stored.");
        }
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

    public async Task<ConversationHistory?> GetHistoryAsync(Guid conversationId, CancellationToken cancellationToken)
    {
        await using var context = contextFactory.CreateDbContext();
        if (!await context.Conversations.AnyAsync(c => c.Id == conversationId, cancellationToken))
        {
            return null;
        }

        var messages = await context.Messages.AsNoTracking()
            .Where(m => m.ConversationId == conversationId)
            .OrderBy(m => m.Sequence)
            .ToListAsync(cancellationToken);
        return new ConversationHistory(conversationId, [.. messages.Select(ToChatMessage)]);
    }

    public static IReadOnlyList<Citation> ReadCitations(Message message) =>
        message.CitationsJson is null ? [] : JsonSerializer.Deserialize<List<Citation>>(message.CitationsJson, JsonSerializerOptions.Web) ?? [];

    public static IReadOnlyList<string> ReadSuggestions(Message message) =>
        message.SuggestionsJson is null ? [] : JsonSerializer.Deserialize<List<string>>(message.SuggestionsJson, JsonSerializerOptions.Web) ?? [];

    private static ChatMessage ToChatMessage(Message message) => new(
        message.Id,
        message.Role == MessageRole.User ? "user" : "assistant",
        message.Content,
        new DateTimeOffset(DateTime.SpecifyKind(message.CreatedAtUtc, DateTimeKind.Utc)),
        message.ClientMessageId,
        message.Grounded,
        ReadCitations(message));

    /// <summary>
    /// Appends at the next sequence number. Two writers may pick the same number; the unique index rejects one,
    /// which then retries, so order within a conversation is total and nothing is lost.
    /// </summary>
    private async Task<Message> AppendAsync(Guid conversationId, Message message, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var context = contextFactory.CreateDbContext();
            var last = await context.Messages.Where(m => m.ConversationId == conversationId).MaxAsync(m => (int?)m.Sequence, cancellationToken) ?? 0;
            var now = clock.GetUtcNow().UtcDateTime;
            message.Sequence = last + 1;
            message.CreatedAtUtc = now;
            context.Messages.Add(message);
            await context.Conversations.Where(c => c.Id == conversationId)
                .ExecuteUpdateAsync(c => c.SetProperty(x => x.UpdatedAtUtc, now), cancellationToken);
            try
            {
                await context.SaveChangesAsync(cancellationToken);
                return message;
            }
            catch (DbUpdateException) when (attempt < MaxSequenceAttempts)
            {
                context.ChangeTracker.Clear();
                if (message.ClientMessageId is not null && await context.Messages.AnyAsync(m => m.ClientMessageId == message.ClientMessageId, cancellationToken))
                {
                    // A concurrent resend won the race; the caller returns the question stored first.
                    throw;
                }
            }
        }
    }
}

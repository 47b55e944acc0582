using Dongyang.Chat.Protocol;

namespace Chatbot.CounsellorConsole.Inbox;

/// <summary>A customer's request for a counsellor, as the chat database holds it.</summary>
/// <param name="HandoffId">The request's id.</param>
/// <param name="ConversationId">The conversation it came from; null when the customer had not asked anything yet.</param>
/// <param name="SiteKey">The partner site's public key.</param>
/// <param name="SiteName">The partner site's name, when the key is known.</param>
/// <param name="RequestedAtUtc">When the customer pressed "상담원 연결".</param>
/// <param name="LastQuestion">The customer's last question (masked), if any.</param>
/// <param name="BotDeclined">Whether the bot's last answer said the documents do not cover the question.</param>
public sealed record HandoffRequestView(
    Guid HandoffId,
    Guid? ConversationId,
    string? SiteKey,
    string? SiteName,
    DateTime RequestedAtUtc,
    string? LastQuestion,
    bool BotDeclined);

/// <summary>Why a counsellor's reply was not stored: a code and a sentence for the counsellor.</summary>
public sealed record CounsellorReplyRefusal(string Code, string Detail);

/// <summary>
/// What the console needs from the chat host: the handoff requests, a conversation's masked transcript, and the one
/// path by which a counsellor's reply is stored and pushed to the customer (the same one the admin API uses). The chat
/// host implements it with its own stores, so the console never copies their rules.
/// </summary>
public interface IHandoffDesk
{
    /// <summary>Requests made since <paramref name="sinceUtc"/>, newest first, except those in <paramref name="excluded"/>.</summary>
    Task<IReadOnlyList<HandoffRequestView>> ListRequestsAsync(DateTime sinceUtc, IReadOnlySet<Guid> excluded, CancellationToken cancellationToken);

    /// <summary>One request, or null when it does not exist.</summary>
    Task<HandoffRequestView?> FindRequestAsync(Guid handoffId, CancellationToken cancellationToken);

    /// <summary>The whole masked conversation with citations, or null when it does not exist.</summary>
    Task<ConversationHistory?> GetTranscriptAsync(Guid conversationId, CancellationToken cancellationToken);

    /// <summary>Stores a reply in the conversation and pushes it to the customer; a refusal says why it was not stored.</summary>
    Task<CounsellorReplyRefusal?> ReplyAsync(Guid conversationId, string text, CancellationToken cancellationToken);
}

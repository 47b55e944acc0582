namespace Dongyang.Chat.Protocol;

/// <summary>One of a verified customer's conversations, as listed at <see cref="ChatEndpoints.MyConversationsPath"/>.</summary>
/// <param name="ConversationId">The conversation's id.</param>
/// <param name="StartedAt">When the conversation started.</param>
/// <param name="UpdatedAt">When the conversation last changed.</param>
/// <param name="FirstQuestion">The customer's first question (personal data masked), if any.</param>
/// <param name="MessageCount">How many messages it holds.</param>
public sealed record ConversationOverview(Guid ConversationId, DateTimeOffset StartedAt, DateTimeOffset UpdatedAt, string? FirstQuestion, int MessageCount);

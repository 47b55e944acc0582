namespace Chatbot.Data.Conversations;

/// <summary>
/// The one rule for whose namespace a client message id is in. Integrators choose ids (REST, <c>AskAsync(message, id)</c>),
/// so two callers may pick the same one; each must still be answered in their own conversation, and a resend by the
/// same caller must find what it resends. The unique index is on (scope, id), and every lookup goes through here.
/// The 20261204 ScopeClientMessageIds migrations give stored rows the same scopes, so keep the formats in step.
/// </summary>
/// <param name="Value">The scope a new message is stored under.</param>
public sealed record ClientMessageScope(string Value)
{
    /// <summary>
    /// A conversation whose first question a resend may also be, stored under <see cref="FirstMessageScope"/>: an
    /// anonymous caller's first question is stored before the caller has a conversation to name (under the site
    /// alone), and the SDK's resend then names the conversation it was told. Only that conversation's question is
    /// looked for there, so naming one's own conversation never reaches another caller's first question.
    /// </summary>
    public Guid? FirstMessageOf { get; private init; }

    /// <summary>The scope the first question of <see cref="FirstMessageOf"/> may be stored under.</summary>
    public string? FirstMessageScope { get; private init; }

    /// <summary>
    /// A customer's question. A verified customer's ids are theirs on the site, in any conversation. An anonymous
    /// caller has nothing but the conversation to tell them apart: their ids are the conversation's when they name
    /// one; a first question (no conversation yet) is the site's, so its resend without a conversation still finds it.
    /// </summary>
    public static ClientMessageScope ForQuestion(ConversationCaller caller, Guid? conversationId)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (caller.IsStaff)
        {
            throw new ArgumentException("Only a site's customer asks questions.", nameof(caller));
        }

        var site = $"site:{caller.SiteKey}";
        if (caller.CustomerHash is { } customer)
        {
            return new($"{site}/customer:{customer}");
        }

        return conversationId is { } named
            ? new($"{site}/conversation:{named}") { FirstMessageOf = named, FirstMessageScope = site }
            : new(site);
    }

    /// <summary>A counsellor's reply: the counsellors' ids are the conversation's, apart from the customer's.</summary>
    public static ClientMessageScope ForCounsellorReply(Guid conversationId) => new($"counsellor/conversation:{conversationId}");
}

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
    /// A conversation whose first question a resend may also be, stored under <see cref="FirstMessageScope"/> (or, for
    /// an anonymous session, under <see cref="FirstMessageScope"/> + <see cref="AnonymousPart"/> + any anonymous id):
    /// an anonymous caller's first question is stored before the caller has a conversation to name, and the SDK's
    /// resend then names the conversation it was told. Only that conversation's question is looked for there, so
    /// naming one's own conversation never reaches another caller's first question; any anonymous id, because a
    /// session renewed after its token expired has a new one, and the conversation already tells the callers apart.
    /// </summary>
    public Guid? FirstMessageOf { get; private init; }

    /// <summary>The scope the first question of <see cref="FirstMessageOf"/> may be stored under.</summary>
    public string? FirstMessageScope { get; private init; }

    /// <summary>What follows the site in an anonymous session's scope, before its anonymous id.</summary>
    public const string AnonymousPart = "/anonymous:";

    /// <summary>
    /// A customer's question. A verified customer's ids are theirs on the site, in any conversation. An anonymous
    /// caller's ids are their conversation's when they name one. A first question (no conversation yet) is the
    /// anonymous session's (site + the session token's anonymous id), so only that caller's resend finds it; without
    /// a session it is the site's, where a resend is never answered with the stored exchange unless it names its
    /// conversation (<c>ChatService</c> answers <c>409</c>), since nothing tells one token-less caller from another.
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

        if (conversationId is { } named)
        {
            return new($"{site}/conversation:{named}") { FirstMessageOf = named, FirstMessageScope = site };
        }

        return caller.AnonymousId is { } anonymous ? new($"{site}{AnonymousPart}{anonymous}") : new(site) { SharedBySite = true };
    }

    /// <summary>
    /// A first question sent without a session (by the site key alone): every token-less caller of the site shares
    /// this namespace, so what is stored here is never replayed to a request that does not name its conversation.
    /// </summary>
    public bool SharedBySite { get; private init; }

    /// <summary>A counsellor's reply: the counsellors' ids are the conversation's, apart from the customer's.</summary>
    public static ClientMessageScope ForCounsellorReply(Guid conversationId) => new($"counsellor/conversation:{conversationId}");
}

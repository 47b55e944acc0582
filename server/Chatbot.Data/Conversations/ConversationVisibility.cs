using System.Linq.Expressions;
using Chatbot.Data.Entities;

namespace Chatbot.Data.Conversations;

/// <summary>
/// The one rule for "this caller may see this conversation". Every read of a conversation, its messages, ratings or
/// handoff requests for a caller goes through it; a conversation it filters out is one the caller is told does not
/// exist, so they learn nothing about it.
/// <list type="bullet">
/// <item>Staff (counsellors and operators; both roles see every conversation): all of them.</item>
/// <item>A verified customer: their own conversations on the site they called with (same site key, same keyed customer hash), listed or named.</item>
/// <item>Any customer of a site, verified or not: an anonymous conversation of that site whose id they hold. An anonymous conversation has nothing but its id to prove it is the caller's, so it is never listed.</item>
/// </list>
/// </summary>
public static class ConversationVisibility
{
    /// <summary>The conversations the caller may see without naming one: staff all, a verified customer their own, an anonymous caller none.</summary>
    public static IQueryable<Conversation> VisibleTo(this IQueryable<Conversation> conversations, ConversationCaller caller) =>
        conversations.Where(Rule(caller, held: null));

    /// <summary>The conversation the caller names (holds the id of), if they may see it: zero rows or one.</summary>
    public static IQueryable<Conversation> VisibleTo(this IQueryable<Conversation> conversations, ConversationCaller caller, Guid conversationId) =>
        conversations.Where(c => c.Id == conversationId).Where(Rule(caller, conversationId));

    /// <summary>The messages of <paramref name="conversations"/> (a <see cref="VisibleTo(IQueryable{Conversation}, ConversationCaller)"/> query on the same context).</summary>
    public static IQueryable<Message> In(this IQueryable<Message> messages, IQueryable<Conversation> conversations) =>
        messages.Where(m => conversations.Any(c => c.Id == m.ConversationId));

    /// <summary>The ratings of answers in <paramref name="conversations"/> (a <c>VisibleTo</c> query on the same context).</summary>
    public static IQueryable<Feedback> In(this IQueryable<Feedback> feedback, IQueryable<Conversation> conversations) =>
        feedback.Where(f => conversations.Any(c => c.Id == f.Message!.ConversationId));

    /// <summary>The handoff requests made from <paramref name="conversations"/> (a <c>VisibleTo</c> query on the same context).</summary>
    public static IQueryable<Handoff> In(this IQueryable<Handoff> handoffs, IQueryable<Conversation> conversations) =>
        handoffs.Where(h => conversations.Any(c => c.Id == h.ConversationId));

    private static Expression<Func<Conversation, bool>> Rule(ConversationCaller caller, Guid? held)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (caller.IsStaff)
        {
            return _ => true;
        }

        var site = caller.SiteKey;
        return (caller.CustomerHash, held) switch
        {
            (null, null) => _ => false,
            (null, { } id) => c => c.SiteKey == site && c.UserId == null && c.Id == id,
            ({ } customer, null) => c => c.SiteKey == site && c.UserId == customer,
            ({ } customer, { } id) => c => c.SiteKey == site && (c.UserId == customer || (c.UserId == null && c.Id == id)),
        };
    }
}

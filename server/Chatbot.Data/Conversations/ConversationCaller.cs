using System.Diagnostics.CodeAnalysis;

namespace Chatbot.Data.Conversations;

/// <summary>
/// Who asks the conversation stores for a conversation: a partner site's customer (the site key they called with and,
/// when the identity hash verified, the keyed hash of their partner id), or the insurer's staff.
/// </summary>
public sealed record ConversationCaller
{
    private ConversationCaller(string? siteKey, string? customerHash, string? anonymousId = null)
    {
        SiteKey = siteKey;
        CustomerHash = customerHash;
        AnonymousId = customerHash is null ? anonymousId : null;
    }

    /// <summary>Counsellors and operators (the console, the admin API): both roles see every conversation.</summary>
    public static ConversationCaller Staff { get; } = new(null, null);

    /// <summary>The site key the caller was admitted with; null for staff.</summary>
    public string? SiteKey { get; }

    /// <summary>The verified customer's keyed hash; null for an anonymous caller and for staff.</summary>
    public string? CustomerHash { get; }

    /// <summary>
    /// An anonymous caller's own id from their anonymous session (random, made by the server), which tells two anonymous
    /// callers of one site apart before they have a conversation; null for a verified customer, for staff, and for a
    /// caller with nothing but the site key. It scopes first-question ids only: conversations are still seen by id.
    /// </summary>
    public string? AnonymousId { get; }

    [MemberNotNullWhen(false, nameof(SiteKey))]
    public bool IsStaff => SiteKey is null;

    /// <summary>
    /// A customer of a partner site; <paramref name="customerHash"/> when the identity hash verified, otherwise
    /// <paramref name="anonymousId"/> when they hold an anonymous session.
    /// </summary>
    public static ConversationCaller Customer(string siteKey, string? customerHash, string? anonymousId = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(siteKey);
        return new(siteKey, string.IsNullOrEmpty(customerHash) ? null : customerHash, string.IsNullOrEmpty(anonymousId) ? null : anonymousId);
    }
}

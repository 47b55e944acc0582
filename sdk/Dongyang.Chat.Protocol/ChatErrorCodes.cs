namespace Dongyang.Chat.Protocol;

/// <summary>
/// The stable codes the chat server and the SDKs use for what went wrong: the <c>code</c> of a problem-details body,
/// of an <see cref="ErrorEvent"/>, and of the SDK's exceptions. Clients switch on these, never on message text.
/// </summary>
public static class ChatErrorCodes
{
    /// <summary>No partner site key was sent.</summary>
    public const string SiteKeyMissing = "site_key_missing";

    /// <summary>The site key is not known.</summary>
    public const string SiteKeyInvalid = "site_key_invalid";

    /// <summary>The site key was disabled by an operator.</summary>
    public const string SiteKeyDisabled = "site_key_disabled";

    /// <summary>The calling page's origin is not one the site key allows.</summary>
    public const string OriginNotAllowed = "origin_not_allowed";

    /// <summary>The customer's identity hash does not verify against the user id.</summary>
    public const string IdentityInvalid = "identity_invalid";

    /// <summary>Only a verified customer may do this (a history list).</summary>
    public const string IdentityRequired = "identity_required";

    /// <summary>The partner-signed identity is past its expiry (<see cref="ChatEndpoints.UserHashExpiresHeader"/>): sign a new one.</summary>
    public const string IdentityExpired = "identity_expired";

    /// <summary>The session exchange was sent the identity hash in its query string, which access logs keep; send it in headers or the body.</summary>
    public const string IdentityInQuery = "identity_in_query";

    /// <summary>The session token has expired: exchange the identity for a new one.</summary>
    public const string SessionExpired = "session_expired";

    /// <summary>The session token is malformed, tampered with, signed with another key, or for another site key.</summary>
    public const string SessionInvalid = "session_invalid";

    /// <summary>A session token was presented to the exchange: only the partner-signed identity makes a new session.</summary>
    public const string SessionNotRenewable = "session_not_renewable";

    /// <summary>Too many requests; <see cref="ErrorEvent.RetryAfterSeconds"/> (or <c>Retry-After</c>) says when to try again.</summary>
    public const string RateLimited = "rate_limited";

    /// <summary>The question is empty.</summary>
    public const string EmptyMessage = "empty_message";

    /// <summary>The question is longer than <see cref="ChatLimits.MaxMessageLength"/>.</summary>
    public const string MessageTooLong = "message_too_long";

    /// <summary>The question is not valid Unicode text.</summary>
    public const string InvalidText = "invalid_text";

    /// <summary>The client message id is longer than <see cref="ChatLimits.MaxClientMessageIdLength"/>.</summary>
    public const string ClientMessageIdTooLong = "client_message_id_too_long";

    /// <summary>The client message id is not printable ASCII without spaces.</summary>
    public const string InvalidClientMessageId = "invalid_client_message_id";

    /// <summary>The client message id was already used for another message.</summary>
    public const string ClientMessageIdConflict = "client_message_id_conflict";

    /// <summary>The page context sent with a question breaks <see cref="ChatLimits"/> (too many or too long entries).</summary>
    public const string InvalidContext = "invalid_context";

    /// <summary>The conversation does not exist, or the caller may not see it.</summary>
    public const string ConversationNotFound = "conversation_not_found";

    /// <summary>The conversation holds as many messages as it may; start a new one.</summary>
    public const string ConversationFull = "conversation_full";

    /// <summary>The rated answer does not exist, or the caller may not see it.</summary>
    public const string MessageNotFound = "message_not_found";

    /// <summary>A rating other than 1 or -1.</summary>
    public const string InvalidRating = "invalid_rating";

    /// <summary>A feedback comment longer than <see cref="FeedbackLimits.MaxCommentLength"/>.</summary>
    public const string CommentTooLong = "comment_too_long";

    /// <summary>The cited source section is not (or no longer) in the knowledge base.</summary>
    public const string SourceNotFound = "source_not_found";

    /// <summary>The request body is larger than the server accepts.</summary>
    public const string RequestTooLarge = "request_too_large";

    /// <summary>The answering engine failed or could not be reached; the question is stored.</summary>
    public const string AnswerUnavailable = "answer_unavailable";

    /// <summary>The conversation store is briefly down; a resend with the same client message id is safe.</summary>
    public const string StorageUnavailable = "storage_unavailable";

    /// <summary>The server ended the answer before it completed.</summary>
    public const string AnswerInterrupted = "answer_interrupted";

    /// <summary>The connection was lost and the question was resent as often as allowed without an answer.</summary>
    public const string ConnectionLost = "connection_lost";

    /// <summary>The chat server could not be reached (down, unreachable, or it did not answer in time).</summary>
    public const string Unavailable = "unavailable";

    /// <summary>The partner page's Content-Security-Policy blocked the chat (its <c>frame-src</c> lacks the chat server).</summary>
    public const string CspBlocked = "csp_blocked";
}

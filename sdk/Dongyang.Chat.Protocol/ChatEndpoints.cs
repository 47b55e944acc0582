namespace Dongyang.Chat.Protocol;

/// <summary>Paths and hub method names of the chat server.</summary>
public static class ChatEndpoints
{
    /// <summary>The SignalR hub path.</summary>
    public const string HubPath = "/hubs/chat";

    /// <summary>Hub method that streams <see cref="ChatStreamEvent"/>s for a <see cref="ChatRequest"/>.</summary>
    public const string AskMethod = "Ask";

    /// <summary>Hub method that returns the <see cref="ConversationHistory"/> of a conversation.</summary>
    public const string HistoryMethod = "GetHistory";

    /// <summary>Hub method that stores a <see cref="FeedbackRequest"/>.</summary>
    public const string FeedbackMethod = "SendFeedback";

    /// <summary>Hub method that records a <see cref="HandoffRequest"/> and returns a <see cref="HandoffResponse"/>.</summary>
    public const string HandoffMethod = "RequestHandoff";

    /// <summary>Hub method that deletes the caller's own conversation (by id); anyone else's is <see cref="ChatErrorCodes.ConversationNotFound"/>.</summary>
    public const string DeleteConversationMethod = "DeleteConversation";

    /// <summary>Hub method that returns the whole <see cref="SourceSection"/> a <see cref="Citation"/> quotes, for a <see cref="SourceRequest"/>.</summary>
    public const string SourceMethod = "GetSource";

    /// <summary>
    /// Hub method that subscribes the connection to a conversation (by id): from then on the server sends it every
    /// message stored in that conversation as <see cref="MessageAddedMethod"/>. Asking and fetching history subscribe
    /// too.
    /// </summary>
    public const string WatchConversationMethod = "WatchConversation";

    /// <summary>
    /// Client method the server calls with a <see cref="MessageAdded"/> when a message is stored in a conversation the
    /// connection watches: another tab's question and answer, or a counsellor's reply. The connection that asked does
    /// not get its own question and answer this way (it has them from its stream); clients de-duplicate by message id.
    /// </summary>
    public const string MessageAddedMethod = "MessageAdded";

    /// <summary>The header that carries a partner site's public key.</summary>
    public const string SiteKeyHeader = "X-Site-Key";

    /// <summary>The query parameter that carries the key where a browser cannot set headers (WebSockets, EventSource).</summary>
    public const string SiteKeyQueryParameter = "siteKey";

    /// <summary>
    /// The query parameter (on the hub URL and on REST reads) that names the language of texts the server writes for the
    /// customer, such as the counsellor hours in restored handoff notices: <c>ko</c> (default) or <c>en</c>.
    /// </summary>
    public const string LanguageQueryParameter = "language";

    /// <summary>The header that carries a verified customer's id (with <see cref="UserHashHeader"/>).</summary>
    public const string UserIdHeader = "X-User-Id";

    /// <summary>The header that carries hex(HMAC-SHA256(key: the site's identity secret, message: the user id)).</summary>
    public const string UserHashHeader = "X-User-Hash";

    /// <summary>
    /// The header that carries the unix time (seconds) a partner-signed identity expires at. With it, the hash signs
    /// <c>user id + "." + expiry</c>; past it the identity is refused with <see cref="ChatErrorCodes.IdentityExpired"/>.
    /// </summary>
    public const string UserHashExpiresHeader = "X-User-Hash-Expires";

    /// <summary>
    /// REST path that exchanges the site key and a partner-signed identity (headers or a <see cref="SessionRequest"/>
    /// body, never the query string) for a short-lived <see cref="SessionResponse"/> token. The token goes where a
    /// browser cannot set headers: SignalR's <c>access_token</c>.
    /// </summary>
    public const string SessionPath = "/api/session";

    /// <summary>
    /// Deprecated: the query parameter that carried the customer's id on the hub URL. Exchange the identity at
    /// <see cref="SessionPath"/> instead; query strings end up in access logs.
    /// </summary>
    public const string UserIdQueryParameter = "userId";

    /// <summary>Deprecated: the query parameter that carried the identity hash on the hub URL; see <see cref="UserIdQueryParameter"/>.</summary>
    public const string UserHashQueryParameter = "userHash";

    /// <summary>REST path that lists a verified customer's conversations, newest first (<see cref="ConversationOverview"/>).</summary>
    public const string MyConversationsPath = "/api/me/conversations";

    /// <summary>
    /// REST path of the cited sections (<c>GET ?documentId=&amp;section=&amp;page=</c> → <see cref="SourceSection"/>), with
    /// the site key like every customer endpoint.
    /// </summary>
    public const string SourcesPath = "/api/sources";

    /// <summary>
    /// REST path a widget asks before it connects (<c>GET ?siteKey=&amp;lang=</c> → <see cref="WidgetConfiguration"/>):
    /// whether this page may use the key, and the counsellor line. Open to every origin, so a page whose origin the
    /// key does not allow still learns why.
    /// </summary>
    public const string WidgetConfigurationPath = "/api/widget/config";
}

using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.Connections;

namespace Dongyang.Chat.Client;

/// <summary>Where and how a <see cref="DongyangChatClient"/> connects.</summary>
public sealed class DongyangChatOptions
{
    /// <summary>The chat server's base address, such as <c>https://chat.example.com/</c>. Required.</summary>
    [Required]
    public Uri? ServerUrl { get; set; }

    /// <summary>The partner site's public key (<c>pk_...</c>), sent with every connection.</summary>
    [MaxLength(100)]
    public string? SiteKey { get; set; }

    /// <summary>
    /// The signed-in customer, or <see langword="null"/> for an anonymous one. Sent on every connection in headers; in
    /// a browser (where WebSockets cannot carry headers) or for an id outside ASCII, exchanged first for a short-lived
    /// session token (a POST with the identity in its body), which the connection carries instead, and exchanged again
    /// when it has expired. The hash never goes in a URL. A client keeps its user for life: to
    /// switch customers (sign-in, sign-out), dispose the client and create a new one, as the Blazor component does.
    /// </summary>
    public DongyangChatUser? User { get; set; }

    /// <summary>A conversation to continue, for example one restored after a reload; <see langword="null"/> starts a new one.</summary>
    public Guid? ConversationId { get; set; }

    /// <summary>
    /// Waits between reconnect attempts. After the last one the client keeps trying at the last interval until it
    /// is disposed, so a long network outage ends in a reconnect rather than a dead client.
    /// </summary>
    public IReadOnlyList<TimeSpan> ReconnectDelays { get; set; } =
        [TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10)];

    /// <summary>
    /// How long <see cref="IDongyangChat.ConnectAsync"/> (and so a question asked while disconnected) keeps retrying a
    /// server it cannot reach before it throws <see cref="DongyangChatUnavailableException"/>; 30 seconds by default.
    /// <see cref="Timeout.InfiniteTimeSpan"/> retries until cancelled. A connection that was up and dropped is
    /// reconnected by the client without this limit.
    /// </summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many times an interrupted question is asked again, with the same client message id, once the connection is back.</summary>
    [Range(0, 10)]
    public int MaxResendAttempts { get; set; } = 3;

    /// <summary>
    /// The transports to try; <see langword="null"/> lets SignalR negotiate (WebSockets first). Exactly
    /// <see cref="HttpTransportType.WebSockets"/> skips the negotiate request, so the client works behind a proxy that
    /// balances several server instances without sticky sessions.
    /// </summary>
    public HttpTransportType? Transports { get; set; }

    /// <summary>
    /// The customer's language for texts the server writes (the counsellor hours in handoff answers and in restored
    /// history): <c>ko</c> (the default when <see langword="null"/>) or <c>en</c>. Sent on the connection, so it holds
    /// for every call; <see cref="IDongyangChat.RequestHandoffAsync"/>'s own language, when given, wins.
    /// </summary>
    public string? Language { get; set; }

    /// <summary>Wraps the HTTP handler, for proxies, tests or custom certificates.</summary>
    public Func<HttpMessageHandler, HttpMessageHandler>? HttpMessageHandlerFactory { get; set; }

    /// <summary>
    /// A copy of every option, to change some of them for one client: the factory and the Blazor component start from
    /// the registered options this way, so a client they create honours all of them (transports, handler, timeouts).
    /// </summary>
    /// <returns>A new instance with the same values (lists are shared, not copied).</returns>
    public DongyangChatOptions Clone() => (DongyangChatOptions)MemberwiseClone();
}

using Dongyang.Chat.Protocol;

namespace Dongyang.Chat.Client;

/// <summary>
/// The chat server could not be reached within <see cref="DongyangChatOptions.ConnectTimeout"/>: it is down, the
/// address is wrong, or the network is out; or it refused the connection as too busy (429) for longer than the timeout
/// leaves, in which case <see cref="Code"/> is <see cref="ChatErrorCodes.RateLimited"/> and <see cref="RetryAfterSeconds"/>
/// says how long it asked to wait. The client is left <see cref="ChatConnectionState.Disconnected"/>; the next call tries again.
/// </summary>
public sealed class DongyangChatUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="serverUrl">The server that could not be reached.</param>
    /// <param name="timeout">How long the client tried.</param>
    /// <param name="innerException">The last connection error, if any.</param>
    public DongyangChatUnavailableException(Uri serverUrl, TimeSpan timeout, Exception? innerException)
        : base($"The chat server {serverUrl} could not be reached within {timeout.TotalSeconds:0.#} s.", innerException)
    {
        ServerUrl = serverUrl;
        var refusal = innerException as RateLimitedResponseException;
        Code = refusal is null ? ChatErrorCodes.Unavailable : ChatErrorCodes.RateLimited;
        RetryAfterSeconds = refusal?.RetryAfter is { } wait ? (int)Math.Ceiling(wait.TotalSeconds) : null;
        Timeout = timeout;
    }

    /// <summary>
    /// <see cref="ChatErrorCodes.Unavailable"/>, or <see cref="ChatErrorCodes.RateLimited"/> when the server's last answer
    /// was a 429: the code the widget shows for the same failure.
    /// </summary>
    public string Code { get; }

    /// <summary>The server that could not be reached.</summary>
    public Uri ServerUrl { get; }

    /// <summary>How long the client tried.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>When the server refused as too busy, the whole seconds it asked to wait before the next try; otherwise null.</summary>
    public int? RetryAfterSeconds { get; }
}

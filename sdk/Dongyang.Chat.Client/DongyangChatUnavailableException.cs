using Dongyang.Chat.Protocol;

namespace Dongyang.Chat.Client;

/// <summary>
/// The chat server could not be reached within <see cref="DongyangChatOptions.ConnectTimeout"/>: it is down, the
/// address is wrong, or the network is out. The client is left <see cref="ChatConnectionState.Disconnected"/>; the next
/// call tries again.
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
        Code = ChatErrorCodes.Unavailable;
        Timeout = timeout;
    }

    /// <summary>Always <see cref="ChatErrorCodes.Unavailable"/>, the code the widget shows for the same failure.</summary>
    public string Code { get; }

    /// <summary>The server that could not be reached.</summary>
    public Uri ServerUrl { get; }

    /// <summary>How long the client tried.</summary>
    public TimeSpan Timeout { get; }
}

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dongyang.Chat.Client;

/// <summary>
/// Creates one <see cref="IDongyangChat"/> per customer, from the registered <see cref="DongyangChatOptions"/>: a
/// Blazor Server app serving several customers creates one client per circuit and disposes it with the circuit.
/// </summary>
public interface IDongyangChatFactory
{
    /// <summary>Creates a client for one customer; the caller owns and disposes it.</summary>
    /// <param name="user">The signed-in customer, or <see langword="null"/> for an anonymous one.</param>
    /// <param name="conversationId">The conversation to continue, or <see langword="null"/> to start one on the first question.</param>
    /// <returns>A new, not yet connected client.</returns>
    IDongyangChat Create(DongyangChatUser? user = null, Guid? conversationId = null);
}

/// <summary>The <see cref="IDongyangChatFactory"/> <c>AddDongyangChat</c> registers.</summary>
internal sealed class DongyangChatFactory(IOptions<DongyangChatOptions> options, ILoggerFactory? loggerFactory = null) : IDongyangChatFactory
{
    public IDongyangChat Create(DongyangChatUser? user = null, Guid? conversationId = null)
    {
        var client = options.Value.Clone();
        client.User = user;
        client.ConversationId = conversationId;
        return new DongyangChatClient(
            client,
            loggerFactory);
    }
}

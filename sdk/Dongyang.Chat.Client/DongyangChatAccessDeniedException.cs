using System.Net;
using Dongyang.Chat.Protocol;

namespace Dongyang.Chat.Client;

/// <summary>
/// The server refused the connection for good: an unknown or disabled site key, an origin the site does not allow,
/// or a customer identity whose hash does not verify. Retrying cannot help, so the client stops and throws this.
/// </summary>
public sealed class DongyangChatAccessDeniedException : HttpRequestException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="code">The server's problem code, such as <c>identity_invalid</c>, or <see langword="null"/> when it sent none.</param>
    /// <param name="customerMessage">The server's message for the customer (Korean, then English), if it sent one.</param>
    /// <param name="statusCode">401 or 403.</param>
    public DongyangChatAccessDeniedException(string? code, string? customerMessage, HttpStatusCode statusCode)
        : base($"The chat server refused the connection ({(int)statusCode} {code ?? "no code"}).", null, statusCode)
    {
        Code = code;
        CustomerMessage = customerMessage;
    }

    /// <summary>
    /// The problem code: <c>site_key_missing</c>, <c>site_key_invalid</c>, <c>site_key_disabled</c>,
    /// <c>origin_not_allowed</c>, <c>identity_invalid</c>, <c>identity_expired</c>; <see langword="null"/> when the server sent none.
    /// </summary>
    public string? Code { get; }

    /// <summary>The server's text for the customer, if any.</summary>
    public string? CustomerMessage { get; }

    /// <summary>Whether the customer identity (not the site key) was refused: its hash did not verify, or it has expired.</summary>
    public bool IsIdentityRefused => Code is ChatErrorCodes.IdentityInvalid or ChatErrorCodes.IdentityExpired;
}

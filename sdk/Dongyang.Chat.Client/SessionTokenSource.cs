using System.Net.Http.Json;
using System.Text.Json;
using Dongyang.Chat.Protocol;

namespace Dongyang.Chat.Client;

/// <summary>
/// The session token a client uses where the identity cannot travel in headers (a browser's WebSockets, an id outside
/// ASCII): exchanged for the partner-signed identity by a POST (<see cref="ChatEndpoints.SessionPath"/>), kept until
/// shortly before it expires, then exchanged again on the next connect. The hash itself never goes in a URL.
/// Without a user it is an anonymous session: the server's token carries a random anonymous id, what tells this
/// caller from every other anonymous one of the site (their client message ids are their own); it is renewed with
/// the token still held, so the id stays the same for as long as the client keeps renewing in time.
/// </summary>
internal sealed class SessionTokenSource(DongyangChatOptions options, DongyangChatUser? user, Func<HttpClient> http) : IDisposable
{
    private static readonly TimeSpan MaxMargin = TimeSpan.FromMinutes(1);
    private readonly SemaphoreSlim gate = new(1, 1);
    private (string Token, DateTimeOffset ExpiresAt, DateTimeOffset RenewAt)? current;

    public async Task<string> GetAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (current is { } held && DateTimeOffset.UtcNow < held.RenewAt)
            {
                return held.Token;
            }

            SessionResponse session;
            if (user is null && current is { } renewable && DateTimeOffset.UtcNow < renewable.ExpiresAt)
            {
                try
                {
                    // Renewed with the token still held: the same anonymous caller.
                    session = await ExchangeAsync(renewable.Token, cancellationToken);
                }
                catch (DongyangChatAccessDeniedException e) when (e.Code is ChatErrorCodes.SessionExpired or ChatErrorCodes.SessionInvalid or ChatErrorCodes.SessionNotRenewable)
                {
                    // Expired on the way, or sealed with a key the server no longer has: a new anonymous session.
                    session = await ExchangeAsync(renewWith: null, cancellationToken);
                }
            }
            else
            {
                session = await ExchangeAsync(renewWith: null, cancellationToken);
            }

            // Renew a little before the end, so a token is never handed to a connect that outlasts it.
            var now = DateTimeOffset.UtcNow;
            var margin = TimeSpan.FromTicks(Math.Min(MaxMargin.Ticks, Math.Max(0, (session.ExpiresAt - now).Ticks / 4)));
            current = (session.Token, session.ExpiresAt, session.ExpiresAt - margin);
            return session.Token;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Makes the next <see cref="GetAsync"/> exchange again: after the server refused the token (a rotated key, a
    /// skewed clock) or said it expired. A held anonymous token that has not expired is still used to renew.
    /// </summary>
    public void Invalidate()
    {
        if (current is { } held)
        {
            current = (held.Token, held.ExpiresAt, DateTimeOffset.MinValue);
        }
    }

    private async Task<SessionResponse> ExchangeAsync(string? renewWith, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(options.ServerUrl!, ChatEndpoints.SessionPath.TrimStart('/')));
        if (user is not null)
        {
            // The body carries any id (headers cannot in a browser, nor outside ASCII), and nothing goes in the URL.
            request.Content = JsonContent.Create(new SessionRequest(user.Id, user.Hash, user.HashExpiresAt?.ToUnixTimeSeconds()), options: JsonSerializerOptions.Web);
        }

        if (!string.IsNullOrEmpty(options.SiteKey))
        {
            request.Headers.Add(ChatEndpoints.SiteKeyHeader, options.SiteKey);
        }

        if (renewWith is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", renewWith);
        }

        using var response = await http().SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<SessionResponse>(JsonSerializerOptions.Web, cancellationToken)
            ?? throw new HttpRequestException("The chat server answered the session exchange with no token.");
    }

    public void Dispose() => gate.Dispose();
}

using System.Net.Http.Json;
using System.Text.Json;
using Dongyang.Chat.Protocol;

namespace Dongyang.Chat.Client;

/// <summary>
/// The session token a client uses where the identity cannot travel in headers (a browser's WebSockets, an id outside
/// ASCII): exchanged for the partner-signed identity by a POST (<see cref="ChatEndpoints.SessionPath"/>), kept until
/// shortly before it expires, then exchanged again on the next connect. The hash itself never goes in a URL.
/// </summary>
internal sealed class SessionTokenSource(DongyangChatOptions options, DongyangChatUser user, Func<HttpClient> http) : IDisposable
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

            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(options.ServerUrl!, ChatEndpoints.SessionPath.TrimStart('/')))
            {
                // The body carries any id (headers cannot in a browser, nor outside ASCII), and nothing goes in the URL.
                Content = JsonContent.Create(new SessionRequest(user.Id, user.Hash, user.HashExpiresAt?.ToUnixTimeSeconds()), options: JsonSerializerOptions.Web),
            };
            if (!string.IsNullOrEmpty(options.SiteKey))
            {
                request.Headers.Add(ChatEndpoints.SiteKeyHeader, options.SiteKey);
            }

            using var response = await http().SendAsync(request, cancellationToken);
            response.EnsureSuccessStatusCode();
            var session = await response.Content.ReadFromJsonAsync<SessionResponse>(JsonSerializerOptions.Web, cancellationToken)
                ?? throw new HttpRequestException("The chat server answered the session exchange with no token.");

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

    /// <summary>Forgets the token the server refused (a rotated key, a skewed clock), so the next connect exchanges again.</summary>
    public void Invalidate() => current = null;

    public void Dispose() => gate.Dispose();
}

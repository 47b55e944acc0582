using System.Globalization;
using System.Net;
using System.Text.Json;
using Dongyang.Chat.Protocol;

namespace Dongyang.Chat.Client;

/// <summary>
/// Turns the server's refusals into typed exceptions that keep what the bare status loses in SignalR's negotiate step:
/// a 401/403 problem answer becomes a <see cref="DongyangChatAccessDeniedException"/> with the server's code, and a
/// 429 becomes a <see cref="RateLimitedResponseException"/> with the wait the server asked for.
/// </summary>
internal sealed class RefusalHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.TooManyRequests))
        {
            return response;
        }

        using (response)
        {
            string? code = null;
            string? message = null;
            int? retryAfterSeconds = null;
            try
            {
                using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
                if (problem.RootElement.ValueKind == JsonValueKind.Object)
                {
                    code = Read(problem.RootElement, "code");
                    message = Read(problem.RootElement, "message");
                    if (problem.RootElement.TryGetProperty("retryAfterSeconds", out var seconds) && seconds.TryGetInt32(out var value))
                    {
                        retryAfterSeconds = value;
                    }
                }
            }
            catch (JsonException)
            {
                // Not a problem body (a proxy's page, say): the status alone still says "refused".
            }

            if (response.StatusCode != HttpStatusCode.TooManyRequests)
            {
                throw new DongyangChatAccessDeniedException(code, message, response.StatusCode);
            }

            // The header is the HTTP contract (a proxy in front may send it without our body); the body's figure is the fallback.
            var header = response.Headers.RetryAfter;
            var wait = header?.Delta
                ?? (header?.Date is { } date ? date - DateTimeOffset.UtcNow : (TimeSpan?)null)
                ?? (retryAfterSeconds is { } s ? TimeSpan.FromSeconds(s) : (TimeSpan?)null);
            throw new RateLimitedResponseException(wait is { } w && w > TimeSpan.Zero ? w : null, message);
        }
    }

    private static string? Read(JsonElement problem, string name) =>
        problem.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

/// <summary>The server answered 429: too many requests or connections from this address; <see cref="RetryAfter"/> says when to try again.</summary>
internal sealed class RateLimitedResponseException(TimeSpan? retryAfter, string? customerMessage)
    : HttpRequestException(
        retryAfter is { } wait
            ? string.Create(CultureInfo.InvariantCulture, $"The chat server refused with 429 ({ChatErrorCodes.RateLimited}); retry after {Math.Ceiling(wait.TotalSeconds)} s.")
            : $"The chat server refused with 429 ({ChatErrorCodes.RateLimited}).",
        null,
        HttpStatusCode.TooManyRequests)
{
    /// <summary>The wait the server asked for, or null when it named none.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>The server's message for the customer (Korean first, with English), if it sent one.</summary>
    public string? CustomerMessage { get; } = customerMessage;
}

using System.Net;
using System.Text.Json;

namespace Dongyang.Chat.Client;

/// <summary>
/// Turns a 401/403 problem answer into a <see cref="DongyangChatAccessDeniedException"/> carrying the server's code,
/// which SignalR's negotiate step would otherwise reduce to a bare status.
/// </summary>
internal sealed class AccessDeniedHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden))
        {
            return response;
        }

        using (response)
        {
            string? code = null;
            string? message = null;
            try
            {
                using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
                if (problem.RootElement.ValueKind == JsonValueKind.Object)
                {
                    code = Read(problem.RootElement, "code");
                    message = Read(problem.RootElement, "message");
                }
            }
            catch (JsonException)
            {
                // Not a problem body (a proxy's page, say): the status alone still says "refused".
            }

            throw new DongyangChatAccessDeniedException(code, message, response.StatusCode);
        }
    }

    private static string? Read(JsonElement problem, string name) =>
        problem.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

using System.Net;
using Chatbot.Ai.Contracts;
using Chatbot.Api.Engine;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Chatbot.Api.Health;

/// <summary>
/// Does the AI service answer the api? Probes its readiness endpoint, which needs the service key, so a key that is not
/// the ai's (a secret rotated on one side only) shows here rather than at the first question. Registered only when
/// the engine is remote.
/// </summary>
internal sealed class AiServiceHealthCheck(IOptions<AiServiceOptions> options, IHttpClientFactory clients) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var http = clients.CreateClient(EngineServiceCollectionExtensions.IdempotentClientName);
            using var response = await http.GetAsync(new Uri(AiEndpoints.Ready, UriKind.Relative), cancellationToken);
            return response.StatusCode switch
            {
                _ when response.IsSuccessStatusCode => HealthCheckResult.Healthy($"{options.Value.BaseUrl} answers"),
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => HealthCheckResult.Unhealthy(
                    $"{options.Value.BaseUrl} refused the service key ({(int)response.StatusCode}): Ai:ServiceKey must be the same on the api and the ai."),
                _ => HealthCheckResult.Unhealthy($"{options.Value.BaseUrl} answered {(int)response.StatusCode}"),
            };
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"{options.Value.BaseUrl} unreachable: {e.Message}");
        }
    }
}

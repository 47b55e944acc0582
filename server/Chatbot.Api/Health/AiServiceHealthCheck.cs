using Chatbot.Ai.Contracts;
using Chatbot.Api.Engine;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Chatbot.Api.Health;

/// <summary>Does the AI service answer its health endpoint? Registered only when the engine is remote.</summary>
internal sealed class AiServiceHealthCheck(IOptions<AiServiceOptions> options, IHttpClientFactory clients) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var http = clients.CreateClient(EngineServiceCollectionExtensions.IdempotentClientName);
            using var response = await http.GetAsync(new Uri(AiEndpoints.Health, UriKind.Relative), cancellationToken);
            return response.IsSuccessStatusCode
                ? HealthCheckResult.Healthy($"{options.Value.BaseUrl} answers")
                : HealthCheckResult.Unhealthy($"{options.Value.BaseUrl} answered {(int)response.StatusCode}");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"{options.Value.BaseUrl} unreachable: {e.Message}");
        }
    }
}

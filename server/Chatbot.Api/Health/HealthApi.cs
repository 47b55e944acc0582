using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Chatbot.Api.Health;

internal static class HealthApi
{
    /// <summary>The detailed readiness view: database and AI service, 503 while either is down.</summary>
    public const string ReadyPath = "/api/health/ready";

    /// <summary>The check of the answering engine, whichever it is; <see cref="Engine.EngineServiceCollectionExtensions"/> adds it.</summary>
    public const string EngineCheck = "ai";

    public const string ReadyTag = "ready";

    /// <summary>Readiness of the database; the engine registration adds its own check (<see cref="EngineCheck"/>).</summary>
    public static IServiceCollection AddHealth(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: [ReadyTag]);
        return services;
    }

    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder endpoints)
    {
        // Liveness stays a constant answer so a slow database never gets a healthy process restarted.
        endpoints.MapGet("/api/health", () => Results.Ok(new { status = "UP" }));
        endpoints.MapHealthChecks(ReadyPath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = WriteReadinessAsync,
        });
        return endpoints;
    }

    private static Task WriteReadinessAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";
        var body = new
        {
            status = report.Status == HealthStatus.Healthy ? "UP" : "DOWN",
            checks = report.Entries.ToDictionary(
                e => e.Key,
                e => new
                {
                    status = e.Value.Status == HealthStatus.Healthy ? "UP" : "DOWN",
                    description = e.Value.Description,
                    durationMs = Math.Round(e.Value.Duration.TotalMilliseconds, 1),
                }),
        };
        return http.Response.WriteAsync(JsonSerializer.Serialize(body, JsonSerializerOptions.Web));
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpLogging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Chatbot.Hosting.Telemetry;

/// <summary>
/// Traces, metrics and logs of our hosts, exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the
/// standard variables: <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, <c>OTEL_SERVICE_NAME</c>, <c>OTEL_RESOURCE_ATTRIBUTES</c>),
/// and one log line per HTTP request. Without an endpoint nothing is exported and the instrumentation costs nothing.
/// </summary>
public static class TelemetryExtensions
{
    /// <summary>Every ActivitySource and Meter of ours is named <c>Chatbot.*</c> (Chatbot.Api, Chatbot.Rag, …).</summary>
    public const string OurSources = "Chatbot.*";

    /// <summary>The SignalR server's own activities: one span per hub method invocation.</summary>
    private const string SignalRServerSource = "Microsoft.AspNetCore.SignalR.Server";

    /// <summary>Npgsql's activities and metrics (commands, connection pool).</summary>
    private const string NpgsqlSource = "Npgsql";

    /// <param name="builder">The host.</param>
    /// <param name="defaultServiceName">The service name unless <c>OTEL_SERVICE_NAME</c> says otherwise.</param>
    /// <param name="probePath">The health endpoint monitors poll: neither traced nor logged per request.</param>
    public static IHostApplicationBuilder AddChatbotTelemetry(this IHostApplicationBuilder builder, string defaultServiceName, string probePath)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var probes = new ProbePaths(probePath);
        builder.Services.AddSingleton(probes);
        var endpoint = builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        var serviceName = builder.Configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } configured ? configured : defaultServiceName;

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName, serviceInstanceId: Environment.MachineName))
            .WithTracing(tracing => tracing
                .AddSource(OurSources, SignalRServerSource, NpgsqlSource)
                .AddAspNetCoreInstrumentation(options => options.Filter = http => !probes.Matches(http.Request.Path))
                .AddHttpClientInstrumentation())
            .WithMetrics(metrics => metrics
                .AddMeter(OurSources, NpgsqlSource)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                // SignalR's connection counts and durations, and the rate limiter's decisions.
                .AddMeter("Microsoft.AspNetCore.Http.Connections", "Microsoft.AspNetCore.RateLimiting", "Microsoft.AspNetCore.Server.Kestrel"));
        if (!string.IsNullOrWhiteSpace(endpoint))
        {
            builder.Logging.AddOpenTelemetry(logging =>
            {
                logging.IncludeFormattedMessage = true;
                logging.IncludeScopes = false;
            });
            telemetry.UseOtlpExporter();
        }

        // One line per HTTP request: method, path (never the query string, which may hold a site key or a token),
        // status and duration. Headers and bodies are never logged.
        builder.Services.AddHttpLogging(options =>
        {
            options.LoggingFields = HttpLoggingFields.RequestMethod | HttpLoggingFields.RequestPath
                | HttpLoggingFields.ResponseStatusCode | HttpLoggingFields.Duration;
            options.CombineLogs = true;
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore.HttpLogging.HttpLoggingMiddleware", LogLevel.Information);
        return builder;
    }

    /// <summary>Logs every request but the health probes, which monitors poll every few seconds.</summary>
    public static IApplicationBuilder UseRequestLogging(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var probes = app.ApplicationServices.GetRequiredService<ProbePaths>();
        return app.UseWhen(http => !probes.Matches(http.Request.Path), branch => branch.UseHttpLogging());
    }

    private sealed class ProbePaths(string probePath)
    {
        private readonly PathString _probe = new(probePath);

        public bool Matches(PathString path) => _probe == "/" ? path == "/" : path.StartsWithSegments(_probe, StringComparison.OrdinalIgnoreCase);
    }
}

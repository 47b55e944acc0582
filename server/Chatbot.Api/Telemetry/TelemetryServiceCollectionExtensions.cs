using Chatbot.Hosting.Telemetry;
using Microsoft.AspNetCore.SignalR;

namespace Chatbot.Api.Telemetry;

internal static class TelemetryServiceCollectionExtensions
{
    /// <summary>
    /// OpenTelemetry (OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set), request log lines and hub invocation log
    /// lines. Call before the other hub filters are added: filters run in the order added, and this one's line should
    /// also cover the calls they refuse.
    /// </summary>
    public static WebApplicationBuilder AddChatTelemetry(this WebApplicationBuilder builder)
    {
        builder.AddChatbotTelemetry("chatbot-api", "/api/health");
        builder.Services.AddSingleton<HubInvocationLogFilter>();
        builder.Services.Configure<HubOptions>(options => options.AddFilter<HubInvocationLogFilter>());
        return builder;
    }
}

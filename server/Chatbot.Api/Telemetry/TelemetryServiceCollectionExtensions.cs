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

        // SignalR logs every exception a hub method ends with at Error, with its stack, and a refusal can only reach a
        // non-streaming caller as a HubException: every not-found and rate-limited call became an error entry. The
        // filter above is the one owner of the invocation's log line (a refusal at Information, a failure at Error
        // with its exception), so the dispatcher's duplicate line is not written.
        builder.Logging.AddFilter(HubInvocationLogFilter.DispatcherCategory, LogLevel.None);
        return builder;
    }
}

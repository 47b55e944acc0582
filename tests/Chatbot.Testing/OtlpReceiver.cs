using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Chatbot.Testing;

/// <summary>
/// A local OTLP/HTTP endpoint (<c>POST /v1/traces</c>, <c>/v1/metrics</c>, <c>/v1/logs</c>, protobuf bodies) that
/// keeps every body it receives. Protobuf stores strings as raw UTF-8, so span names, metric names and attribute
/// values can be found in the bytes without decoding the messages.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<byte[]>> _bodies = new(StringComparer.Ordinal);

    private OtlpReceiver(WebApplication app) => _app = app;

    /// <summary>The value for <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>.</summary>
    public Uri Endpoint { get; private set; } = null!;

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/{signal}", async (string signal, HttpContext http) =>
        {
            using var body = new MemoryStream();
            await http.Request.Body.CopyToAsync(body);
            receiver._bodies.GetOrAdd(signal, _ => new ConcurrentQueue<byte[]>()).Enqueue(body.ToArray());
            http.Response.ContentType = "application/x-protobuf";
            return Results.Bytes([], "application/x-protobuf");
        });
        await app.StartAsync();
        receiver.Endpoint = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return receiver;
    }

    /// <summary>Every body received for a signal (<c>traces</c>, <c>metrics</c>, <c>logs</c>), as one UTF-8 string (invalid bytes replaced).</summary>
    public string Received(string signal) =>
        _bodies.TryGetValue(signal, out var bodies) ? string.Join('\n', bodies.Select(b => System.Text.Encoding.UTF8.GetString(b))) : "";

    /// <summary>Waits until every one of <paramref name="expected"/> has arrived in <paramref name="signal"/>.</summary>
    public async Task<string> WaitForAsync(string signal, TimeSpan timeout, params string[] expected)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var received = Received(signal);
            var missing = expected.Where(e => !received.Contains(e, StringComparison.Ordinal)).ToList();
            if (missing.Count == 0)
            {
                return received;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No {string.Join(", ", missing)} in the {signal} received within {timeout} ({received.Length} characters received).");
            }

            await Task.Delay(200);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

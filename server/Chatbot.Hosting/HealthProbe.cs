using System.Globalization;

namespace Chatbot.Hosting;

/// <summary>
/// <c>dotnet App.dll --healthcheck</c>: probes the app's own health endpoint over loopback and exits 0 when it answers
/// 2xx, 1 otherwise. Container images have no curl or wget, so the image's HEALTHCHECK runs the app itself.
/// </summary>
public static class HealthProbe
{
    public const string Argument = "--healthcheck";

    public static bool IsRequested(IReadOnlyList<string> args) => args.Contains(Argument, StringComparer.Ordinal);

    /// <summary>Probes <paramref name="path"/> on the address the app listens on and returns the exit code.</summary>
    /// <param name="path">The health path, e.g. <c>/api/health</c>.</param>
    /// <param name="defaultPort">The port when neither <c>HEALTHCHECK_URL</c>, <c>ASPNETCORE_URLS</c> nor <c>ASPNETCORE_HTTP_PORTS</c> says.</param>
    public static async Task<int> RunAsync(string path, int defaultPort)
    {
        var target = ResolveTarget(path, defaultPort, Environment.GetEnvironmentVariable);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await http.GetAsync(target);
            await Console.Out.WriteLineAsync($"{target} -> {(int)response.StatusCode}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            await Console.Error.WriteLineAsync($"{target} -> {e.Message}");
            return 1;
        }
    }

    /// <summary>The URL to probe: <c>HEALTHCHECK_URL</c>, else the first listening URL with a wildcard host made loopback.</summary>
    public static Uri ResolveTarget(string path, int defaultPort, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (environment("HEALTHCHECK_URL") is { Length: > 0 } explicitUrl)
        {
            return new Uri(explicitUrl);
        }

        var listen = environment("ASPNETCORE_URLS")?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        if (listen is null && environment("ASPNETCORE_HTTP_PORTS")?.Split([';', ','], StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() is { } port)
        {
            listen = $"http://127.0.0.1:{port.Trim()}";
        }

        listen ??= string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{defaultPort}");
        foreach (var wildcard in new[] { "://+", "://*", "://0.0.0.0", "://[::]", "://localhost" })
        {
            listen = listen.Replace(wildcard, "://127.0.0.1", StringComparison.Ordinal);
        }

        return new Uri(new Uri(listen.TrimEnd('/') + "/"), path.TrimStart('/'));
    }
}

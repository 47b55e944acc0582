using System.Net.Http.Json;
using Dongyang.Chat.Protocol;

namespace Dongyang.Chat.Widget;

/// <summary>
/// The chat server's plain HTTP resources the component shows: the widget configuration (may this page use the key,
/// and the counsellor line) and whole cited sections. Both carry the site key, like every customer request.
/// </summary>
internal sealed class ChatServerResources(Uri serverUrl, string? siteKey) : IDisposable
{
    private readonly HttpClient http = new() { BaseAddress = serverUrl, Timeout = TimeSpan.FromSeconds(20) };

    public Uri ServerUrl => serverUrl;

    /// <summary>The server's verdict for this page and key; throws <see cref="HttpRequestException"/> when it cannot be reached.</summary>
    public async Task<WidgetConfiguration?> GetConfigurationAsync(string language, CancellationToken cancellationToken)
    {
        var path = $"{ChatEndpoints.WidgetConfigurationPath.TrimStart('/')}?siteKey={Uri.EscapeDataString(siteKey ?? "")}&lang={Uri.EscapeDataString(language)}";
        return await http.GetFromJsonAsync<WidgetConfiguration>(path, cancellationToken);
    }

    /// <summary>The whole section a citation quotes, or <see langword="null"/> when the knowledge base no longer has it.</summary>
    public async Task<SourceSection?> GetSourceAsync(Citation citation, CancellationToken cancellationToken)
    {
        var query = $"documentId={Uri.EscapeDataString(citation.DocumentId)}";
        if (!string.IsNullOrEmpty(citation.Section))
        {
            query += $"&section={Uri.EscapeDataString(citation.Section)}";
        }

        if (citation.Page is { } page)
        {
            query += $"&page={page}";
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, $"{ChatEndpoints.SourcesPath.TrimStart('/')}?{query}");
        if (siteKey is not null)
        {
            request.Headers.Add(ChatEndpoints.SiteKeyHeader, siteKey);
        }

        using var response = await http.SendAsync(request, cancellationToken);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<SourceSection>(cancellationToken);
    }

    public void Dispose() => http.Dispose();
}

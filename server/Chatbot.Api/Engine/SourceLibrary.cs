using System.Net;
using System.Net.Http.Json;
using Chatbot.Ai.Contracts;
using Chatbot.Rag.Retrieval;
using Dongyang.Chat.Protocol;

namespace Chatbot.Api.Engine;

/// <summary>
/// Cited sections in full, from wherever the knowledge index lives: in-process (the embedded default) or in the AI
/// service (<see cref="AiEndpoints.Sources"/>).
/// </summary>
internal interface ISourceLibrary
{
    /// <summary>The section, or <see langword="null"/> when it is not in the index.</summary>
    Task<SourceSection?> ReadAsync(SourceRequest request, CancellationToken cancellationToken);
}

internal sealed class LocalSourceLibrary(SourceSectionReader reader) : ISourceLibrary
{
    public Task<SourceSection?> ReadAsync(SourceRequest request, CancellationToken cancellationToken) =>
        reader.ReadAsync(request.DocumentId, request.Section, request.Page, cancellationToken);
}

internal sealed class RemoteSourceLibrary(IHttpClientFactory clients) : ISourceLibrary
{
    public async Task<SourceSection?> ReadAsync(SourceRequest request, CancellationToken cancellationToken)
    {
        var query = $"?documentId={Uri.EscapeDataString(request.DocumentId)}";
        if (!string.IsNullOrEmpty(request.Section))
        {
            query += $"&section={Uri.EscapeDataString(request.Section)}";
        }

        if (request.Page is { } page)
        {
            query += $"&page={page}";
        }

        using var http = clients.CreateClient(EngineServiceCollectionExtensions.IdempotentClientName);
        using var response = await http.GetAsync(new Uri(AiEndpoints.Sources.TrimStart('/') + query, UriKind.Relative), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<SourceSection>(System.Text.Json.JsonSerializerOptions.Web, cancellationToken);
    }
}

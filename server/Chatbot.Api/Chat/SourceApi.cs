using Chatbot.Api.Engine;
using Dongyang.Chat.Protocol;

namespace Chatbot.Api.Chat;

/// <summary>
/// The cited section in full (title, 조/항, page and its whole text), for the citation panel. In the customer API group
/// like every customer endpoint; the hub offers the same (<see cref="ChatEndpoints.SourceMethod"/>).
/// </summary>
internal static class SourceApi
{
    public static IEndpointRouteBuilder MapSourceApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Sites.CustomerApi.Route(ChatEndpoints.SourcesPath), async (string? documentId, string? section, int? page, ISourceLibrary sources, CancellationToken cancellationToken) =>
        {
            try
            {
                return TypedResults.Ok(await ReadAsync(sources, new SourceRequest(documentId ?? "", section, page), cancellationToken));
            }
            catch (ChatRequestException e)
            {
                return e.ToProblem();
            }
        });
        return endpoints;
    }

    /// <summary>The section a citation names; <see cref="ChatRequestException"/> for a malformed request or an unknown section.</summary>
    public static async Task<SourceSection> ReadAsync(ISourceLibrary sources, SourceRequest? request, CancellationToken cancellationToken)
    {
        if (request is null || string.IsNullOrWhiteSpace(request.DocumentId) || request.DocumentId.Length > 300 || request.Section is { Length: > 300 })
        {
            throw new ChatRequestException(StatusCodes.Status400BadRequest, "invalid_request", "A source needs a document id (and optionally a section and page) of at most 300 characters.");
        }

        return await sources.ReadAsync(request, cancellationToken)
            ?? throw new ChatRequestException(StatusCodes.Status404NotFound, ChatErrorCodes.SourceNotFound, "The cited section is not in the knowledge base.");
    }
}

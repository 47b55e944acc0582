using Chatbot.Api.Sites;
using Chatbot.Rag;
using Dongyang.Chat.Protocol;
using Microsoft.Extensions.Options;

namespace Chatbot.Api.Chat;

/// <summary>Feedback on answers and handoff to a human counsellor, over HTTP; the hub offers the same.</summary>
internal static class FeedbackApi
{
    public static IEndpointRouteBuilder MapFeedbackApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/feedback", async (HttpContext http, FeedbackRequest? request, FeedbackStore store, CancellationToken cancellationToken) =>
        {
            try
            {
                await store.SaveFeedbackAsync(request, http.GetSiteCaller(), cancellationToken);
                return Results.NoContent();
            }
            catch (ChatRequestException e)
            {
                return e.ToProblem();
            }
        });

        endpoints.MapPost("/api/handoff", async (HttpContext http, HandoffRequest? request, FeedbackStore store, IOptions<RagOptions> rag, CancellationToken cancellationToken) =>
        {
            try
            {
                var id = await store.RecordHandoffAsync(request, http.GetSiteCaller(), cancellationToken);
                return Results.Ok(new HandoffResponse(id, rag.Value.CounsellorPhone, rag.Value.CounsellorHours));
            }
            catch (ChatRequestException e)
            {
                return e.ToProblem();
            }
        });
        return endpoints;
    }
}

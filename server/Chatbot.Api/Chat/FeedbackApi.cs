using Chatbot.Api.Sites;
using Chatbot.Counselling;
using Dongyang.Chat.Protocol;

namespace Chatbot.Api.Chat;

/// <summary>Feedback on answers and handoff to a human counsellor, over HTTP; the hub offers the same.</summary>
internal static class FeedbackApi
{
    public static IEndpointRouteBuilder MapFeedbackApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/feedback", async (HttpContext http, FeedbackRequest? request, CustomerFeedback store, CancellationToken cancellationToken) =>
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

        endpoints.MapPost("/handoff", async (HttpContext http, HandoffRequest? request, CustomerFeedback store, CounsellorLine counsellors, CancellationToken cancellationToken) =>
        {
            try
            {
                var id = await store.RecordHandoffAsync(request, http.GetSiteCaller(), cancellationToken);
                return Results.Ok(counsellors.Handoff(id, request?.Language));
            }
            catch (ChatRequestException e)
            {
                return e.ToProblem();
            }
        });
        return endpoints;
    }
}

using Chatbot.Api.Sites;
using Dongyang.Chat.Protocol;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Chatbot.Api.Limits;

/// <summary>
/// Customer API bodies are small JSON; anything far larger is refused with 413 before it is read, so an oversized
/// body costs the server nothing. (Hub messages have SignalR's own limit; admin uploads their own.)
/// </summary>
internal sealed class RequestBodyLimitMiddleware(RequestDelegate next, IOptions<RequestLimitOptions> options)
{
    public async Task InvokeAsync(HttpContext http)
    {
        var limit = options.Value.MaxRequestBodyBytes;
        if (SiteAccessMiddleware.IsProtected(http.Request.Path) && !http.Request.Path.StartsWithSegments("/hubs", StringComparison.OrdinalIgnoreCase))
        {
            if (http.Request.ContentLength > limit)
            {
                await Results.Problem(
                    statusCode: StatusCodes.Status413PayloadTooLarge,
                    title: "request too large",
                    detail: $"Request bodies may be at most {limit} bytes.",
                    extensions: new Dictionary<string, object?> { ["code"] = ChatErrorCodes.RequestTooLarge, ["message"] = "요청이 너무 큽니다. 메시지를 줄여서 다시 보내 주세요. (The request is too large.)" })
                    .ExecuteAsync(http);
                return;
            }

            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
            {
                bodySize.MaxRequestBodySize = limit;
            }
        }

        await next(http);
    }
}

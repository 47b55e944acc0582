using Dongyang.Chat.Protocol;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Chatbot.Api.Limits;

/// <summary>
/// The largest body an endpoint takes, as endpoint metadata: routing hands it to the server
/// (<see cref="IRequestSizeLimitMetadata"/>), which stops reading a chunked body at the limit (413), and
/// <see cref="RequestBodyLimits.UseRequestBodyLimits"/> refuses a body declared larger before it is read.
/// </summary>
internal sealed class RequestBodyLimit(long bytes) : IRequestSizeLimitMetadata
{
    public long? MaxRequestBodySize => bytes;
}

internal static class RequestBodyLimits
{
    /// <summary>The size limits, bound and validated at start, and the problem body of a 413.</summary>
    public static IServiceCollection AddRequestLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RequestLimitOptions>().Bind(configuration.GetSection(RequestLimitOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.Configure<ProblemDetailsOptions>(options =>
        {
            var customize = options.CustomizeProblemDetails;
            options.CustomizeProblemDetails = context =>
            {
                customize?.Invoke(context);
                if (context.ProblemDetails.Status == StatusCodes.Status413PayloadTooLarge)
                {
                    var limit = context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize;
                    context.ProblemDetails.Title = "request too large";
                    context.ProblemDetails.Detail = limit is null ? "The request body is too large." : $"Request bodies may be at most {limit} bytes.";
                    context.ProblemDetails.Extensions.TryAdd("code", ChatErrorCodes.RequestTooLarge);
                    context.ProblemDetails.Extensions.TryAdd("message", "요청이 너무 큽니다. 메시지를 줄여서 다시 보내 주세요. (The request is too large.)");
                }
            };
        });
        return services;
    }

    /// <summary>
    /// Answers a body whose declared length is over its endpoint's limit with 413 before reading it. The unread body is
    /// then drained under the server's own limit, as after any early answer, so the client reads the refusal rather than
    /// a reset connection. After authorization, so a caller without a key is told that first.
    /// </summary>
    public static WebApplication UseRequestBodyLimits(this WebApplication app)
    {
        var serverLimit = app.Services.GetService<IOptions<KestrelServerOptions>>()?.Value.Limits.MaxRequestBodySize;
        app.Use(async (http, next) =>
        {
            if (http.GetEndpoint()?.Metadata.GetMetadata<RequestBodyLimit>() is { } limit && http.Request.ContentLength > limit.MaxRequestBodySize)
            {
                if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
                {
                    bodySize.MaxRequestBodySize = serverLimit;
                }

                await Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge).ExecuteAsync(http);
                return;
            }

            await next(http);
        });
        return app;
    }

    /// <summary>Bodies of these endpoints may be at most <paramref name="bytes"/> long.</summary>
    public static TBuilder WithRequestBodyLimit<TBuilder>(this TBuilder builder, long bytes)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new RequestBodyLimit(bytes));
}

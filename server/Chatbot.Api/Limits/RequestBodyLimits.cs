using Dongyang.Chat.Protocol;
using Microsoft.AspNetCore.Http.Metadata;

namespace Chatbot.Api.Limits;

/// <summary>
/// The largest body an endpoint takes, as endpoint metadata: routing hands it to the server
/// (<see cref="IRequestSizeLimitMetadata"/>), which refuses a larger body with 413 when it is read, whether its size
/// was declared or it came chunked, so an oversized body costs the server nothing.
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

    /// <summary>Bodies of these endpoints may be at most <paramref name="bytes"/> long.</summary>
    public static TBuilder WithRequestBodyLimit<TBuilder>(this TBuilder builder, long bytes)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new RequestBodyLimit(bytes));
}

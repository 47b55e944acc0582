using System.Data.Common;
using Dongyang.Chat.Protocol;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;

namespace Chatbot.Api.Resilience;

/// <summary>
/// When the database is down (restarting, failing over) past the retries, the customer gets a clear 503 with a Korean
/// message and Retry-After instead of a 500; a resend with the same client message id is then safe.
/// </summary>
internal sealed partial class DatabaseUnavailableHandler(ILogger<DatabaseUnavailableHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!IsUnavailable(exception))
        {
            return false;
        }

        LogUnavailable(logger, exception.GetType().Name);
        if (httpContext.Response.HasStarted)
        {
            return true;
        }

        httpContext.Response.Headers.RetryAfter = "5";
        await Results.Problem(
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "storage unavailable",
            detail: "The conversation store is unavailable; nothing was lost. Retry with the same clientMessageId.",
            extensions: new Dictionary<string, object?>
            {
                ["code"] = Code,
                ["message"] = CustomerMessage,
            }).ExecuteAsync(httpContext);
        return true;
    }

    public const string Code = ChatErrorCodes.StorageUnavailable;

    public const string CustomerMessage = "일시적으로 상담을 저장할 수 없습니다. 잠시 후 다시 시도해 주세요. (Chat is briefly unavailable; please try again shortly.)";

    /// <summary>The store is down or unreachable past its retries (as opposed to a bug).</summary>
    public static bool IsUnavailable(Exception exception) =>
        exception is DbException or RetryLimitExceededException or TimeoutException || exception.InnerException is DbException;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Conversation store unavailable ({Error}); answered 503")]
    private static partial void LogUnavailable(ILogger logger, string error);
}

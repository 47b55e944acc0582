using Chatbot.CounsellorConsole.Audit;

namespace Chatbot.Api.Admin;

/// <summary>
/// Writes every admin-API call that changes something (any method but GET) or exports data (the conversations export)
/// to the console's audit log, once it succeeded: the route as the action's detail, the route values as its target.
/// </summary>
internal sealed class AdminApiAudit(IAuditLog audit) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var result = await next(context);
        var http = context.HttpContext;
        var route = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? http.Request.Path.Value ?? "";
        var exports = HttpMethods.IsGet(http.Request.Method) && route.EndsWith("/conversations", StringComparison.Ordinal);
        if ((HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method)) && !exports)
        {
            return result;
        }

        var status = result is IStatusCodeHttpResult { StatusCode: { } code } ? code : http.Response.StatusCode;
        if (status >= StatusCodes.Status400BadRequest)
        {
            return result;
        }

        var target = string.Join(' ', http.Request.RouteValues.Select(v => $"{v.Key}={v.Value}"));
        await audit.RecordAsync(
            AuditActor.AdminApi(http.Connection.RemoteIpAddress),
            AuditActions.AdminApi,
            target.Length == 0 ? null : target,
            $"{http.Request.Method} {route}{(exports ? " " + http.Request.QueryString : "")}",
            http.RequestAborted);
        return result;
    }
}

using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace Chatbot.CounsellorConsole.Audit;

/// <summary>
/// Who is acting in a console page, for the audit log: the signed-in user and the address of their request (a form
/// post) or of their Blazor circuit's connection (an interactive page), when the host can see it.
/// </summary>
public sealed class ConsoleCaller(IHttpContextAccessor http)
{
    public AuditActor Of(ClaimsPrincipal user) => AuditActor.Of(user, http.HttpContext?.Connection.RemoteIpAddress);
}

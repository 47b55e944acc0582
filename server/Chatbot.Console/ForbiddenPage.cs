using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;

namespace Chatbot.CounsellorConsole;

/// <summary>The 403 answer for a signed-in user whose role does not admit the page.</summary>
internal static class ForbiddenPage
{
    private const string Html = """
        <!DOCTYPE html>
        <html lang="ko"><head><meta charset="utf-8"><title>권한 없음 · Forbidden</title>
        <meta name="viewport" content="width=device-width, initial-scale=1"></head>
        <body style="font-family: 'Noto Sans KR', sans-serif; margin: 3rem;">
        <main><h1>이 페이지를 볼 권한이 없습니다</h1>
        <p lang="en">You do not have access to this page (403).</p>
        <p><a href="/console/inbox">상담 요청함으로 / Back to the inbox</a></p></main>
        </body></html>
        """;

    public static async Task WriteAsync(RedirectContext<CookieAuthenticationOptions> context)
    {
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync(Html, context.HttpContext.RequestAborted);
    }
}

namespace Chatbot.Api.Sites;

/// <summary>Refusals of the access checks, as problem details with a stable <c>code</c> and a Korean-first customer message.</summary>
internal static class AccessProblem
{
    public static IResult Create(int status, string code, string detail, IDictionary<string, object?>? extra = null)
    {
        var extensions = new Dictionary<string, object?> { ["code"] = code, ["message"] = CustomerMessage(code) };
        foreach (var (key, value) in extra ?? new Dictionary<string, object?>())
        {
            extensions[key] = value;
        }

        return Results.Problem(statusCode: status, title: code.Replace('_', ' '), detail: detail, extensions: extensions);
    }

    public static Task WriteAsync(HttpContext http, int status, string code, string detail) =>
        Create(status, code, detail).ExecuteAsync(http);

    public static string CustomerMessage(string code) => code switch
    {
        "site_key_missing" or "site_key_invalid" or "origin_not_allowed" => "이 사이트에서는 상담을 이용할 수 없습니다. (Chat is not available on this site.)",
        "site_key_disabled" => "이 사이트의 상담 서비스가 중지되었습니다. (Chat has been turned off for this site.)",
        "identity_invalid" => "로그인 정보를 확인할 수 없습니다. 다시 로그인해 주세요. (Your sign-in could not be verified.)",
        "identity_expired" => "로그인 정보가 만료되었습니다. 다시 로그인해 주세요. (Your sign-in has expired. Please sign in again.)",
        "session_expired" or "session_invalid" or "session_not_renewable" => "상담 연결이 만료되었습니다. 페이지를 새로 고쳐 주세요. (Your chat session has expired. Please reload the page.)",
        "identity_required" => "로그인한 고객만 이용할 수 있습니다. (Please sign in first.)",
        "admin_unauthorized" => "관리자 인증이 필요합니다. (Admin credentials required.)",
        _ => "요청을 처리하지 못했습니다. (The request could not be processed.)",
    };
}

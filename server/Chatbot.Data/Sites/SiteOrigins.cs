namespace Chatbot.Data.Sites;

/// <summary>Browser origins as a site lists them: <c>scheme://host[:port]</c>, compared exactly after normalising.</summary>
public static class SiteOrigins
{
    /// <summary>The origin in the form browsers send it (lower-case, default port omitted), or null when it is not one.</summary>
    public static string? Normalize(string? origin)
    {
        if (string.IsNullOrWhiteSpace(origin)
            || !Uri.TryCreate(origin.Trim(), UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https")
            || uri.AbsolutePath is not ("/" or "")
            || !string.IsNullOrEmpty(uri.Query)
            || !string.IsNullOrEmpty(uri.Fragment)
            || !string.IsNullOrEmpty(uri.UserInfo))
        {
            return null;
        }

        return uri.IsDefaultPort ? $"{uri.Scheme}://{uri.IdnHost}" : $"{uri.Scheme}://{uri.IdnHost}:{uri.Port}";
    }

    /// <exception cref="InvalidSiteException">An entry is not an http(s) origin, or the list is empty or too long.</exception>
    public static IReadOnlyList<string> NormalizeAll(IEnumerable<string> origins)
    {
        var result = new List<string>();
        foreach (var origin in origins ?? [])
        {
            var normalized = Normalize(origin) ?? throw new InvalidSiteException(
                $"'{origin}' is not an origin such as https://www.example.co.kr.",
                $"'{origin}'은(는) 출처(origin) 형식이 아닙니다. https://www.example.co.kr 처럼 http(s)://호스트[:포트]만 입력하세요(경로 없이).");
            if (!result.Contains(normalized, StringComparer.Ordinal))
            {
                result.Add(normalized);
            }
        }

        return result.Count is > 0 and <= 50
            ? result
            : throw new InvalidSiteException("A site needs 1 to 50 allowed origins.", "허용 출처는 1~50개를 입력하세요.");
    }

    public static string Format(IEnumerable<string> origins) => string.Join('\n', origins);

    public static IReadOnlyList<string> Parse(string stored) =>
        stored.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

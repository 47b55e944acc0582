using System.Web;

namespace Chatbot.Widget.App;

/// <summary>What the loader tells the frame through its URL.</summary>
/// <param name="AwaitsUser">
/// The host called setUser before the chat loaded: the identity is the first message, so the chat waits for it rather
/// than connecting anonymously first (a question typed in between would be lost in the switch).
/// </param>
internal sealed record FrameSettings(
    Uri ServerUrl,
    string? SiteKey,
    string Lang,
    string? Title,
    string? Greeting,
    string? PrimaryColor,
    string HostOrigin,
    string InstanceId,
    bool AwaitsUser)
{
    /// <summary>Conversations are remembered per site key (and, by the browser's storage partitioning, per host site).</summary>
    public string StorageKey => $"dongyang-chat:{SiteKey ?? "default"}:{InstanceId}";

    public static FrameSettings FromUri(Uri page, Uri appBase)
    {
        var query = HttpUtility.ParseQueryString(page.Query);
        var origin = query["origin"];
        var hostOrigin = origin is not null && Uri.TryCreate(origin, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https"
            ? parsed.GetLeftPart(UriPartial.Authority)
            : "null";
        return new FrameSettings(
            new Uri(appBase, "/"),
            Trim(query["siteKey"], 100),
            query["lang"] == "en" ? "en" : "ko",
            Trim(query["title"], 100),
            Trim(query["greeting"], 500),
            Trim(query["color"], 40),
            hostOrigin,
            Trim(query["id"], 40) ?? "0",
            query["user"] == "1");
    }

    private static string? Trim(string? value, int max) =>
        string.IsNullOrWhiteSpace(value) ? null : value.Length > max ? value[..max] : value;
}

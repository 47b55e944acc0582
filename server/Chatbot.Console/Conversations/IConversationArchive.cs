namespace Chatbot.CounsellorConsole.Conversations;

/// <summary>
/// Which conversations to list: started between two days (both included, in the insurer's time zone), on one site,
/// and only those with a declined answer, a handoff request, a 👎 (the customer's last rating of a message) or a
/// message containing the text. Unset parts do not filter.
/// </summary>
public sealed record ConversationFilter(
    DateOnly? From = null,
    DateOnly? To = null,
    string? SiteKey = null,
    bool DeclinedOnly = false,
    bool HandedOffOnly = false,
    bool ThumbsDownOnly = false,
    string? Text = null)
{
    /// <summary>The longest text searched for.</summary>
    public const int MaxTextLength = 200;

    /// <summary>The filter with blank parts dropped and the text trimmed and clipped.</summary>
    public ConversationFilter Normalized() => this with
    {
        SiteKey = string.IsNullOrWhiteSpace(SiteKey) ? null : SiteKey.Trim(),
        Text = Clip(Text),
    };

    private static string? Clip(string? text)
    {
        var trimmed = text?.Trim();
        return string.IsNullOrEmpty(trimmed) ? null : trimmed.Length > MaxTextLength ? trimmed[..MaxTextLength] : trimmed;
    }

    /// <summary>The filter in words, for the audit log and the export's file name.</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (From is { } from)
        {
            parts.Add($"from={from:yyyy-MM-dd}");
        }

        if (To is { } to)
        {
            parts.Add($"to={to:yyyy-MM-dd}");
        }

        if (SiteKey is not null)
        {
            parts.Add($"site={SiteKey}");
        }

        if (DeclinedOnly)
        {
            parts.Add("declined");
        }

        if (HandedOffOnly)
        {
            parts.Add("handoff");
        }

        if (ThumbsDownOnly)
        {
            parts.Add("down");
        }

        if (Text is not null)
        {
            parts.Add($"q={Text}");
        }

        return parts.Count == 0 ? "all" : string.Join(' ', parts);
    }
}

/// <summary>One conversation in the list.</summary>
/// <param name="ConversationId">The conversation's id.</param>
/// <param name="SiteKey">The partner site's public key, when it came with one.</param>
/// <param name="SiteName">The site's name, when the key is known.</param>
/// <param name="StartedAtUtc">When the conversation began.</param>
/// <param name="LastActivityAtUtc">When its last message was stored.</param>
/// <param name="MessageCount">Messages in it, all roles.</param>
/// <param name="FirstQuestion">The customer's first question (masked), if any.</param>
/// <param name="Declined">Whether any bot answer said the documents do not cover the question.</param>
/// <param name="HandedOff">Whether the customer asked for a counsellor.</param>
/// <param name="ThumbsDown">Whether the customer's last rating of some answer is 👎.</param>
public sealed record ConversationSummary(
    Guid ConversationId,
    string? SiteKey,
    string? SiteName,
    DateTime StartedAtUtc,
    DateTime LastActivityAtUtc,
    int MessageCount,
    string? FirstQuestion,
    bool Declined,
    bool HandedOff,
    bool ThumbsDown);

/// <summary>A page of the list, newest activity first, and how many match in all.</summary>
public sealed record ConversationPage(IReadOnlyList<ConversationSummary> Items, int Total);

/// <summary>
/// The chat's stored conversations as the console lists them. The chat host implements it with EF Core queries that
/// translate on both providers, so filtering and paging happen in the database.
/// </summary>
public interface IConversationArchive
{
    /// <summary>The insurer's time zone: a filter's days start at its midnight.</summary>
    TimeZoneInfo TimeZone { get; }

    /// <summary>Matching conversations, newest activity first, from <paramref name="skip"/>, at most <paramref name="take"/>.</summary>
    Task<ConversationPage> SearchAsync(ConversationFilter filter, int skip, int take, CancellationToken cancellationToken);

    /// <summary>One conversation's line, or null when it does not exist.</summary>
    Task<ConversationSummary?> FindAsync(Guid conversationId, CancellationToken cancellationToken);

    /// <summary>The partner sites (public key to name) for the filter.</summary>
    Task<IReadOnlyDictionary<string, string>> ListSitesAsync(CancellationToken cancellationToken);
}

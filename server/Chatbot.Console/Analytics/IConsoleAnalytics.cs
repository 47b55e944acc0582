namespace Chatbot.CounsellorConsole.Analytics;

/// <summary>The days the dashboard shows (both ends included, in the insurer's time zone), and optionally one site.</summary>
public sealed record AnalyticsRange(DateOnly From, DateOnly To, string? SiteKey = null)
{
    /// <summary>The longest range the dashboard accepts, so one request cannot ask for years of rows.</summary>
    public const int MaxDays = 366;

    public int Days => To.DayNumber - From.DayNumber + 1;
}

/// <summary>One day's numbers on one site.</summary>
/// <param name="Day">The day in the insurer's time zone.</param>
/// <param name="SiteKey">The partner site's public key; null for conversations that came without one.</param>
/// <param name="SiteName">The site's name, when the key is known.</param>
/// <param name="Questions">Customer questions asked.</param>
/// <param name="Answered">Bot answers grounded in the documents.</param>
/// <param name="Declined">Bot answers that said the documents do not cover the question.</param>
/// <param name="ThumbsUp">👍 ratings given that day.</param>
/// <param name="ThumbsDown">👎 ratings given that day.</param>
/// <param name="Handoffs">Requests for a counsellor.</param>
/// <param name="FirstResponseMedian">Median time from a request to the counsellor's first reply, among those answered.</param>
/// <param name="FirstResponseP90">The 90th percentile of the same.</param>
public sealed record DailySiteStats(
    DateOnly Day,
    string? SiteKey,
    string? SiteName,
    int Questions,
    int Answered,
    int Declined,
    int ThumbsUp,
    int ThumbsDown,
    int Handoffs,
    TimeSpan? FirstResponseMedian,
    TimeSpan? FirstResponseP90);

/// <summary>Declined questions that say the same thing in slightly different words.</summary>
/// <param name="Question">The most frequent wording, as the customer wrote it (masked); the conversations link searches for it.</param>
/// <param name="Count">How many times a question of the group was declined.</param>
/// <param name="OtherWordings">Other wordings in the group, most frequent first (a few, for the operator to read).</param>
public sealed record DeclinedQuestionGroup(string Question, int Count, IReadOnlyList<string> OtherWordings);

/// <summary>
/// The numbers behind the analytics landing page. The chat host implements it on its own stores and aggregates in the
/// database, so the page costs the same at a thousand or a million messages.
/// </summary>
public interface IConsoleAnalytics
{
    /// <summary>The insurer's time zone: days start at its midnight.</summary>
    TimeZoneInfo TimeZone { get; }

    /// <summary>Per day and per site, only rows with some activity, ordered by day then site.</summary>
    Task<IReadOnlyList<DailySiteStats>> GetDailyAsync(AnalyticsRange range, CancellationToken cancellationToken);

    /// <summary>The most declined questions in the range, grouped by similar wording, most frequent first.</summary>
    Task<IReadOnlyList<DeclinedQuestionGroup>> GetTopDeclinedAsync(AnalyticsRange range, int count, CancellationToken cancellationToken);
}

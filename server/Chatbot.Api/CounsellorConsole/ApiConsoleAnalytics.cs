using System.Globalization;
using Chatbot.Counselling;
using Chatbot.CounsellorConsole.Analytics;
using Chatbot.CounsellorConsole.Data;
using Chatbot.Data;
using Microsoft.EntityFrameworkCore;

namespace Chatbot.Api.CounsellorConsole;

/// <summary>
/// The dashboard's numbers, aggregated by the database (GROUP BY day and site) over the indexed time columns of
/// <c>messages</c>, <c>feedback</c> and <c>handoffs</c>, so only one row per day and site leaves it. Days are the
/// insurer's (<c>Counsellor:TimeZone</c>). First-response times join the console's handoff cases, which live in the
/// same database.
/// </summary>
internal sealed class ApiConsoleAnalytics(IDbContextFactory<ChatDbContext> contexts, IDbContextFactory<ConsoleDbContext> consoleContexts, CounsellorLine line) : IConsoleAnalytics
{
    /// <summary>Distinct declined wordings read for grouping; the long tail beyond them is too rare to rank.</summary>
    public const int MaxDeclinedWordings = 2000;

    // Every query below is composed only of this class's own constant fragments (the day expression, table names from
    // the models); values from the request (dates, zone, site) are always parameters.
    private string? _handoffCasesTable;

    public TimeZoneInfo TimeZone => line.Hours.TimeZone;

    public async Task<IReadOnlyList<DailySiteStats>> GetDailyAsync(AnalyticsRange range, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(range);
        var (fromUtc, toUtc) = Bounds(range);
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var sql = new Dialect(context.Database.IsNpgsql(), TimeZone, fromUtc);
        var site = range.SiteKey is null ? "" : """ AND c."SiteKey" = {3}""";
        object[] parameters = range.SiteKey is null ? [fromUtc, toUtc, TimeZone.Id] : [fromUtc, toUtc, TimeZone.Id, range.SiteKey];

        var sqlMessageRow = $"""
            SELECT {sql.Day("m.\"CreatedAtUtc\"")} AS "Day", c."SiteKey" AS "SiteKey",
                   SUM(CASE WHEN m."Role" = 'User' THEN 1 ELSE 0 END) AS "Questions",
                   SUM(CASE WHEN m."Role" = 'Assistant' AND m."Grounded" = true THEN 1 ELSE 0 END) AS "Answered",
                   SUM(CASE WHEN m."Role" = 'Assistant' AND m."Grounded" = false THEN 1 ELSE 0 END) AS "Declined"
            FROM messages m JOIN conversations c ON c."Id" = m."ConversationId"
            WHERE m."CreatedAtUtc" >= {"{0}"} AND m."CreatedAtUtc" < {"{1}"}{site}
            GROUP BY 1, 2
            """;
        var messages = await context.Database.SqlQueryRaw<MessageRow>(sqlMessageRow, parameters).ToListAsync(cancellationToken);

        var sqlRatingRow = $"""
            SELECT {sql.Day("f.\"CreatedAtUtc\"")} AS "Day", c."SiteKey" AS "SiteKey",
                   SUM(CASE WHEN f."Rating" > 0 THEN 1 ELSE 0 END) AS "Up",
                   SUM(CASE WHEN f."Rating" < 0 THEN 1 ELSE 0 END) AS "Down"
            FROM feedback f JOIN messages m ON m."Id" = f."MessageId" JOIN conversations c ON c."Id" = m."ConversationId"
            WHERE f."CreatedAtUtc" >= {"{0}"} AND f."CreatedAtUtc" < {"{1}"}{site}
            GROUP BY 1, 2
            """;
        var ratings = await context.Database.SqlQueryRaw<RatingRow>(sqlRatingRow, parameters).ToListAsync(cancellationToken);

        var handoffs = await GetHandoffsAsync(context, sql, range, parameters, cancellationToken);

        var siteNames = await context.PartnerSites.AsNoTracking().ToDictionaryAsync(s => s.PublicKey, s => s.Name, cancellationToken);
        var rows = new Dictionary<(string Day, string? Site), DailySiteStats>();
        DailySiteStats Row(string day, string? siteKey) =>
            rows.TryGetValue((day, siteKey), out var row)
                ? row
                : new DailySiteStats(DateOnly.ParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture), siteKey, siteKey is null ? null : siteNames.GetValueOrDefault(siteKey), 0, 0, 0, 0, 0, 0, null, null);
        foreach (var m in messages)
        {
            rows[(m.Day, m.SiteKey)] = Row(m.Day, m.SiteKey) with { Questions = (int)m.Questions, Answered = (int)m.Answered, Declined = (int)m.Declined };
        }

        foreach (var r in ratings)
        {
            rows[(r.Day, r.SiteKey)] = Row(r.Day, r.SiteKey) with { ThumbsUp = (int)r.Up, ThumbsDown = (int)r.Down };
        }

        foreach (var h in handoffs)
        {
            rows[(h.Day, h.SiteKey)] = Row(h.Day, h.SiteKey) with
            {
                Handoffs = (int)h.Handoffs,
                FirstResponseMedian = h.MedianSeconds is { } median ? TimeSpan.FromSeconds(median) : null,
                FirstResponseP90 = h.P90Seconds is { } p90 ? TimeSpan.FromSeconds(p90) : null,
            };
        }

        return [.. rows.Values.OrderBy(r => r.Day).ThenBy(r => r.SiteName ?? r.SiteKey ?? "\uffff", StringComparer.Ordinal)];
    }

    public async Task<IReadOnlyList<DeclinedQuestionGroup>> GetTopDeclinedAsync(AnalyticsRange range, int count, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(range);
        var (fromUtc, toUtc) = Bounds(range);
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var site = range.SiteKey is null ? "" : """ AND c."SiteKey" = {2}""";
        object[] parameters = range.SiteKey is null ? [fromUtc, toUtc] : [fromUtc, toUtc, range.SiteKey];

        // Identical wordings are counted by the database; only the distinct ones come here to be grouped by meaning.
        var sqlDeclinedRow = $"""
            SELECT q."Content" AS "Text", COUNT(*) AS "Count"
            FROM messages a
            JOIN messages q ON q."Id" = a."ReplyToId"
            {(range.SiteKey is null ? "" : """JOIN conversations c ON c."Id" = a."ConversationId" """)}
            WHERE a."Role" = 'Assistant' AND a."Grounded" = false AND a."CreatedAtUtc" >= {"{0}"} AND a."CreatedAtUtc" < {"{1}"}{site}
            GROUP BY q."Content"
            ORDER BY COUNT(*) DESC
            LIMIT {MaxDeclinedWordings}
            """;
        var texts = await context.Database.SqlQueryRaw<DeclinedRow>(sqlDeclinedRow, parameters).ToListAsync(cancellationToken);
        return DeclinedQuestionGroups.Group(texts.Select(t => new DeclinedQuestionText(t.Text, t.Count)), count);
    }

    private async Task<IReadOnlyList<HandoffRow>> GetHandoffsAsync(ChatDbContext context, Dialect sql, AnalyticsRange range, object[] parameters, CancellationToken cancellationToken)
    {
        var cases = await HandoffCasesTableAsync(cancellationToken);
        var site = range.SiteKey is null ? "" : """ AND h."SiteKey" = {3}""";
        if (sql.IsPostgres)
        {
            var sqlHandoffRow = $"""
                SELECT {sql.Day("h.\"CreatedAtUtc\"")} AS "Day", h."SiteKey" AS "SiteKey", COUNT(*) AS "Handoffs",
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM hc."FirstResponseAtUtc" - h."CreatedAtUtc")::double precision) AS "MedianSeconds",
                       percentile_cont(0.9) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM hc."FirstResponseAtUtc" - h."CreatedAtUtc")::double precision) AS "P90Seconds"
                FROM handoffs h LEFT JOIN "{cases}" hc ON hc."HandoffId" = h."Id"
                WHERE h."CreatedAtUtc" >= {"{0}"} AND h."CreatedAtUtc" < {"{1}"}{site}
                GROUP BY 1, 2
                """;
            return await context.Database.SqlQueryRaw<HandoffRow>(sqlHandoffRow, parameters).ToListAsync(cancellationToken);
        }

        // SQLite has no percentile aggregate: it returns one duration per request (a request is one person's work, so
        // these are few even where messages are many) and the percentiles are taken here, as percentile_cont does.
        var sqlHandoffDurationRow = $"""
            SELECT {sql.Day("h.\"CreatedAtUtc\"")} AS "Day", h."SiteKey" AS "SiteKey",
                   (julianday(hc."FirstResponseAtUtc") - julianday(h."CreatedAtUtc")) * 86400.0 AS "Seconds"
            FROM handoffs h LEFT JOIN "{cases}" hc ON hc."HandoffId" = h."Id"
            WHERE h."CreatedAtUtc" >= {"{0}"} AND h."CreatedAtUtc" < {"{1}"}{site}
            """;
        var requests = await context.Database.SqlQueryRaw<HandoffDurationRow>(sqlHandoffDurationRow, parameters).ToListAsync(cancellationToken);
        return [.. requests
            .GroupBy(r => (r.Day, r.SiteKey))
            .Select(g =>
            {
                var seconds = g.Select(r => r.Seconds).OfType<double>().Order().ToList();
                return new HandoffRow
                {
                    Day = g.Key.Day,
                    SiteKey = g.Key.SiteKey,
                    Handoffs = g.Count(),
                    MedianSeconds = Percentile(seconds, 0.5),
                    P90Seconds = Percentile(seconds, 0.9),
                };
            })];
    }

    /// <summary>The continuous percentile of sorted values (linear between neighbours), as PostgreSQL's percentile_cont.</summary>
    internal static double? Percentile(IReadOnlyList<double> sorted, double fraction)
    {
        if (sorted.Count == 0)
        {
            return null;
        }

        var position = fraction * (sorted.Count - 1);
        var lower = (int)Math.Floor(position);
        var upper = (int)Math.Ceiling(position);
        return sorted[lower] + ((sorted[upper] - sorted[lower]) * (position - lower));
    }

    private async Task<string> HandoffCasesTableAsync(CancellationToken cancellationToken)
    {
        if (_handoffCasesTable is null)
        {
            // The console's context owns the table's name.
            await using var console = await consoleContexts.CreateDbContextAsync(cancellationToken);
            _handoffCasesTable = console.Model.FindEntityType(typeof(HandoffCase))?.GetTableName()
                ?? throw new InvalidOperationException("The console's model has no handoff cases table.");
        }

        return _handoffCasesTable;
    }

    private (DateTime FromUtc, DateTime ToUtc) Bounds(AnalyticsRange range)
    {
        if (range.To < range.From || range.Days > AnalyticsRange.MaxDays)
        {
            throw new ArgumentOutOfRangeException(nameof(range), range, $"The range must run forwards and span at most {AnalyticsRange.MaxDays} days.");
        }

        return (LocalMidnightUtc(range.From), LocalMidnightUtc(range.To.AddDays(1)));
    }

    private DateTime LocalMidnightUtc(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return TimeZone.IsInvalidTime(local) ? TimeZoneInfo.ConvertTimeToUtc(local.AddHours(1), TimeZone) : TimeZoneInfo.ConvertTimeToUtc(local, TimeZone);
    }

    /// <summary>The one difference between the providers that every query shares: which local day a UTC time falls on.</summary>
    private sealed class Dialect(bool isPostgres, TimeZoneInfo zone, DateTime fromUtc)
    {
        public bool IsPostgres => isPostgres;

        public string Day(string column)
        {
            if (isPostgres)
            {
                // The zone is parameter {2}; PostgreSQL knows IANA zones, daylight saving included.
                return $"to_char({column} AT TIME ZONE {{2}}, 'YYYY-MM-DD')";
            }

            // SQLite knows no zones: the offset at the start of the range stands for all of it. Asia/Seoul has no
            // daylight saving; in a zone that has, a day at a changeover is an hour off.
            var minutes = (int)zone.GetUtcOffset(fromUtc).TotalMinutes;
            return $"date({column}, '{minutes.ToString("+0;-0", CultureInfo.InvariantCulture)} minutes')";
        }
    }

    private sealed class MessageRow
    {
        public required string Day { get; init; }
        public string? SiteKey { get; init; }
        public long Questions { get; init; }
        public long Answered { get; init; }
        public long Declined { get; init; }
    }

    private sealed class RatingRow
    {
        public required string Day { get; init; }
        public string? SiteKey { get; init; }
        public long Up { get; init; }
        public long Down { get; init; }
    }

    private sealed class HandoffRow
    {
        public required string Day { get; init; }
        public string? SiteKey { get; init; }
        public long Handoffs { get; init; }
        public double? MedianSeconds { get; init; }
        public double? P90Seconds { get; init; }
    }

    private sealed class HandoffDurationRow
    {
        public required string Day { get; init; }
        public string? SiteKey { get; init; }
        public double? Seconds { get; init; }
    }

    private sealed class DeclinedRow
    {
        public required string Text { get; init; }
        public long Count { get; init; }
    }
}

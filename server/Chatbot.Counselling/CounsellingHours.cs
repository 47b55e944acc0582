using System.Globalization;
using System.Text;

namespace Chatbot.Counselling;

/// <summary>
/// Weekly opening hours of the counsellor line in one time zone: when it is open, when it opens next, and how to say
/// so to a customer.
/// </summary>
public sealed class CounsellingHours
{
    private static readonly string[] DayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
    private static readonly string[] KoreanDayNames = ["일", "월", "화", "수", "목", "금", "토"];
    private static readonly string[] EnglishDayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

    private readonly IReadOnlyList<OpeningRange> _ranges;

    private CounsellingHours(IReadOnlyList<OpeningRange> ranges, TimeZoneInfo timeZone)
    {
        _ranges = ranges;
        TimeZone = timeZone;
    }

    /// <summary>The zone the hours are in.</summary>
    public TimeZoneInfo TimeZone { get; }

    /// <summary>The ranges, in the order configured.</summary>
    public IReadOnlyList<OpeningRange> Ranges => _ranges;

    /// <summary>
    /// Parses <c>Mon-Fri 09:00-18:00; Sat 09:00-13:00</c>: each range is a day list (single days, day spans such as
    /// <c>Mon-Fri</c>, separated by commas; English three-letter names, any case) and <c>HH:mm-HH:mm</c> with the end
    /// after the start on the same day.
    /// </summary>
    /// <exception cref="FormatException">The text is not such a schedule, or the time zone is unknown.</exception>
    public static CounsellingHours Parse(string hours, string timeZoneId)
    {
        ArgumentNullException.ThrowIfNull(hours);
        ArgumentNullException.ThrowIfNull(timeZoneId);
        TimeZoneInfo zone;
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(timeZoneId);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new FormatException($"Unknown time zone '{timeZoneId}'. Use an IANA id such as Asia/Seoul.", e);
        }

        var ranges = new List<OpeningRange>();
        foreach (var part in hours.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            ranges.Add(ParseRange(part));
        }

        if (ranges.Count == 0)
        {
            throw new FormatException("Counselling hours are empty. Use e.g. 'Mon-Fri 09:00-18:00'.");
        }

        return new CounsellingHours(ranges, zone);
    }

    /// <summary>Whether the line is open at <paramref name="instant"/>.</summary>
    public bool IsOpen(DateTimeOffset instant)
    {
        var local = TimeZoneInfo.ConvertTime(instant, TimeZone);
        var time = TimeOnly.FromDateTime(local.DateTime);
        return _ranges.Any(r => r.Days.Contains(local.DayOfWeek) && time >= r.Opens && time < r.Closes);
    }

    /// <summary>The next moment the line opens after <paramref name="instant"/> (itself when it opens exactly then), in the line's zone.</summary>
    public DateTimeOffset NextOpening(DateTimeOffset instant)
    {
        var local = TimeZoneInfo.ConvertTime(instant, TimeZone);
        for (var day = 0; day <= 7; day++)
        {
            var date = DateOnly.FromDateTime(local.DateTime).AddDays(day);
            var opens = _ranges
                .Where(r => r.Days.Contains(date.DayOfWeek))
                .Select(r => date.ToDateTime(r.Opens))
                .Where(start => start >= local.DateTime)
                .Order()
                .ToList();
            if (opens.Count > 0)
            {
                var start = opens[0];
                return new DateTimeOffset(start, TimeZone.GetUtcOffset(start));
            }
        }

        throw new InvalidOperationException("A parsed schedule opens at least once a week.");
    }

    /// <summary>The hours as a customer reads them: <c>평일 09:00~18:00</c>, <c>weekdays 09:00–18:00</c>.</summary>
    public string Describe(CustomerLanguage language)
    {
        var text = new StringBuilder();
        foreach (var range in _ranges)
        {
            if (text.Length > 0)
            {
                text.Append(language == CustomerLanguage.Korean ? ", " : "; ");
            }

            text.Append(DescribeDays(range.Days, language)).Append(' ');
            text.Append(range.Opens.ToString("HH:mm", CultureInfo.InvariantCulture));
            text.Append(language == CustomerLanguage.Korean ? '~' : '–');
            text.Append(range.Closes.ToString("HH:mm", CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    /// <summary>When the line opens next, as a customer reads it: <c>내일(화) 09:00</c>, <c>tomorrow (Tue) 09:00</c>.</summary>
    public string DescribeNextOpening(DateTimeOffset instant, CustomerLanguage language)
    {
        var next = NextOpening(instant);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, TimeZone).DateTime);
        var day = DateOnly.FromDateTime(next.DateTime);
        var time = next.ToString("HH:mm", CultureInfo.InvariantCulture);
        var index = (int)day.DayOfWeek;
        var gap = day.DayNumber - today.DayNumber;
        return language == CustomerLanguage.Korean
            ? gap switch
            {
                0 => $"오늘 {time}",
                1 => $"내일({KoreanDayNames[index]}) {time}",
                _ => $"{day.Month}월 {day.Day}일({KoreanDayNames[index]}) {time}",
            }
            : gap switch
            {
                0 => $"today at {time}",
                1 => $"tomorrow ({EnglishDayNames[index]}) at {time}",
                _ => $"{EnglishDayNames[index]} {day.Day} {CultureInfo.InvariantCulture.DateTimeFormat.GetAbbreviatedMonthName(day.Month)} at {time}",
            };
    }

    private static string DescribeDays(IReadOnlySet<DayOfWeek> days, CustomerLanguage language)
    {
        var weekdays = new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday };
        if (days.Count == 5 && weekdays.All(days.Contains))
        {
            return language == CustomerLanguage.Korean ? "평일" : "weekdays";
        }

        if (days.Count == 7)
        {
            return language == CustomerLanguage.Korean ? "매일" : "every day";
        }

        var names = language == CustomerLanguage.Korean ? KoreanDayNames : EnglishDayNames;
        var ordered = days.OrderBy(d => ((int)d + 6) % 7).Select(d => names[(int)d]);
        return language == CustomerLanguage.Korean ? string.Join("·", ordered) + "요일" : string.Join(", ", ordered);
    }

    private static OpeningRange ParseRange(string text)
    {
        var space = text.LastIndexOf(' ');
        if (space <= 0)
        {
            throw new FormatException($"'{text}' is not 'Days HH:mm-HH:mm' (e.g. 'Mon-Fri 09:00-18:00').");
        }

        var days = ParseDays(text[..space].Trim(), text);
        var times = text[(space + 1)..].Split('-');
        if (times.Length != 2
            || !TimeOnly.TryParseExact(times[0], "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var opens)
            || !TimeOnly.TryParseExact(times[1], "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var closes))
        {
            throw new FormatException($"'{text}': the time range must be HH:mm-HH:mm, e.g. 09:00-18:00.");
        }

        if (closes <= opens)
        {
            throw new FormatException($"'{text}': the line must close after it opens, on the same day.");
        }

        return new OpeningRange(days, opens, closes);
    }

    private static HashSet<DayOfWeek> ParseDays(string text, string range)
    {
        var days = new HashSet<DayOfWeek>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var span = part.Split('-', StringSplitOptions.TrimEntries);
            if (span.Length is < 1 or > 2)
            {
                throw new FormatException($"'{range}': '{part}' is not a day or a span of days.");
            }

            var first = Day(span[0], range);
            var last = span.Length == 2 ? Day(span[1], range) : first;
            for (var day = first; ; day = (DayOfWeek)(((int)day + 1) % 7))
            {
                days.Add(day);
                if (day == last)
                {
                    break;
                }
            }
        }

        if (days.Count == 0)
        {
            throw new FormatException($"'{range}' names no day.");
        }

        return days;
    }

    private static DayOfWeek Day(string name, string range)
    {
        var index = Array.IndexOf(DayNames, name.ToLowerInvariant());
        return index >= 0
            ? (DayOfWeek)index
            : throw new FormatException($"'{range}': '{name}' is not a day; use Mon, Tue, Wed, Thu, Fri, Sat or Sun.");
    }
}

/// <summary>One weekly opening: on <paramref name="Days"/>, from <paramref name="Opens"/> until <paramref name="Closes"/>.</summary>
public sealed record OpeningRange(IReadOnlySet<DayOfWeek> Days, TimeOnly Opens, TimeOnly Closes);

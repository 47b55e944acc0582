using Microsoft.Extensions.Options;

namespace Chatbot.Counselling;

/// <summary>
/// The one owner of the counsellor line: its number and hours as configured, whether it is open now, and the sentence
/// every customer text uses to name it. Nothing else spells the number or the hours.
/// </summary>
public sealed class CounsellorLine
{
    private readonly TimeProvider _time;

    public CounsellorLine(IOptions<CounsellorOptions> options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Phone = options.Value.Phone;
        Hours = CounsellingHours.Parse(options.Value.Hours, options.Value.TimeZone);
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The number customers call.</summary>
    public string Phone { get; }

    /// <summary>The opening hours.</summary>
    public CounsellingHours Hours { get; }

    /// <summary>Whether counsellors answer now.</summary>
    public bool IsOpenNow => Hours.IsOpen(_time.GetUtcNow());

    /// <summary>When counsellors answer next (now, when open).</summary>
    public DateTimeOffset NextOpening => Hours.NextOpening(_time.GetUtcNow());

    /// <summary>The hours as a customer reads them (<c>평일 09:00~18:00</c>).</summary>
    public string DescribeHours(CustomerLanguage language) => Hours.Describe(language);

    /// <summary>When counsellors are back, as a customer reads it (<c>내일(화) 09:00</c>).</summary>
    public string DescribeNextOpening(CustomerLanguage language) => Hours.DescribeNextOpening(_time.GetUtcNow(), language);

    /// <summary>
    /// The line with its hours, to end a sentence: <c>고객센터 1588-0000(평일 09:00~18:00)</c> or
    /// <c>our customer centre on 1588-0000 (weekdays 09:00–18:00)</c>.
    /// </summary>
    public string Describe(CustomerLanguage language) => language == CustomerLanguage.Korean
        ? $"고객센터 {Phone}({DescribeHours(language)})"
        : $"our customer centre on {Phone} ({DescribeHours(language)}, Korea time)";
}

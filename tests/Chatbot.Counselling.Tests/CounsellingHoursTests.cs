using Chatbot.Counselling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Chatbot.Counselling.Tests;

public sealed class CounsellingHoursTests
{
    private static readonly CounsellingHours Weekdays = CounsellingHours.Parse("Mon-Fri 09:00-18:00", "Asia/Seoul");

    // 2026-12-07 is a Monday; Seoul is UTC+9 all year.
    private static DateTimeOffset Seoul(int day, int hour, int minute = 0) => new(2026, 12, day, hour, minute, 0, TimeSpan.FromHours(9));

    [Theory]
    [InlineData(7, 9, 0, true)]
    [InlineData(7, 8, 59, false)]
    [InlineData(7, 17, 59, true)]
    [InlineData(7, 18, 0, false)]
    [InlineData(11, 12, 0, true)]
    [InlineData(12, 12, 0, false)]
    [InlineData(13, 12, 0, false)]
    public void The_line_is_open_on_weekdays_within_the_hours_in_Seoul(int day, int hour, int minute, bool open) =>
        Assert.Equal(open, Weekdays.IsOpen(Seoul(day, hour, minute)));

    [Fact]
    public void Hours_are_read_in_the_lines_time_zone_not_the_callers()
    {
        // 01:00 UTC on Monday is 10:00 in Seoul.
        Assert.True(Weekdays.IsOpen(new DateTimeOffset(2026, 12, 7, 1, 0, 0, TimeSpan.Zero)));
        Assert.False(Weekdays.IsOpen(new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void After_Friday_closing_the_line_opens_next_on_Monday_morning()
    {
        var next = Weekdays.NextOpening(Seoul(11, 18, 30));
        Assert.Equal(Seoul(14, 9), next);
        Assert.Equal("12월 14일(월) 09:00", Weekdays.DescribeNextOpening(Seoul(11, 18, 30), CustomerLanguage.Korean));
        Assert.Equal("Mon 14 Dec at 09:00", Weekdays.DescribeNextOpening(Seoul(11, 18, 30), CustomerLanguage.English));
    }

    [Fact]
    public void Early_in_the_morning_the_line_opens_today_and_late_at_night_tomorrow()
    {
        Assert.Equal("오늘 09:00", Weekdays.DescribeNextOpening(Seoul(8, 7), CustomerLanguage.Korean));
        Assert.Equal("내일(수) 09:00", Weekdays.DescribeNextOpening(Seoul(8, 20), CustomerLanguage.Korean));
        Assert.Equal("tomorrow (Wed) at 09:00", Weekdays.DescribeNextOpening(Seoul(8, 20), CustomerLanguage.English));
    }

    [Fact]
    public void Several_ranges_are_described_in_order_in_both_languages()
    {
        var hours = CounsellingHours.Parse("Mon-Fri 09:00-18:00; Sat 09:00-13:00", "Asia/Seoul");
        Assert.Equal("평일 09:00~18:00, 토요일 09:00~13:00", hours.Describe(CustomerLanguage.Korean));
        Assert.Equal("weekdays 09:00–18:00; Sat 09:00–13:00", hours.Describe(CustomerLanguage.English));
        Assert.True(hours.IsOpen(Seoul(12, 10)));
        Assert.False(hours.IsOpen(Seoul(12, 14)));
    }

    [Fact]
    public void A_span_may_wrap_over_the_weekend()
    {
        var hours = CounsellingHours.Parse("Sat-Mon 10:00-12:00", "Asia/Seoul");
        Assert.True(hours.IsOpen(Seoul(13, 11)));
        Assert.True(hours.IsOpen(Seoul(7, 11)));
        Assert.False(hours.IsOpen(Seoul(8, 11)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("weekdays 9-6")]
    [InlineData("Mon-Fri 18:00-09:00")]
    [InlineData("Mon-Fry 09:00-18:00")]
    [InlineData("Mon-Fri 09:00")]
    public void A_schedule_that_does_not_parse_is_refused_with_a_message(string hours) =>
        Assert.Throws<FormatException>(() => CounsellingHours.Parse(hours, "Asia/Seoul"));

    [Fact]
    public void An_unknown_time_zone_is_refused() =>
        Assert.Throws<FormatException>(() => CounsellingHours.Parse("Mon-Fri 09:00-18:00", "Mars/Olympus"));

    [Fact]
    public void The_line_comes_from_configuration_and_bad_hours_fail_at_start()
    {
        var line = Build(new() { ["Counsellor:Phone"] = "1588-1234", ["Counsellor:Hours"] = "Mon-Sat 08:00-20:00" })
            .GetRequiredService<CounsellorLine>();
        Assert.Equal("고객센터 1588-1234(월·화·수·목·금·토요일 08:00~20:00)", line.Describe(CustomerLanguage.Korean));

        var bad = Build(new() { ["Counsellor:Hours"] = "always" });
        var error = Assert.Throws<OptionsValidationException>(() => bad.GetRequiredService<IOptions<CounsellorOptions>>().Value);
        Assert.Contains("Counsellor:Hours", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_line_is_the_weekday_line_in_Korean_and_English()
    {
        var line = Build([]).GetRequiredService<CounsellorLine>();
        Assert.Equal("고객센터 1588-0000(평일 09:00~18:00)", line.Describe(CustomerLanguage.Korean));
        Assert.Equal("our customer centre on 1588-0000 (weekdays 09:00–18:00, Korea time)", line.Describe(CustomerLanguage.English));
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddCounselling(configuration).BuildServiceProvider();
    }
}

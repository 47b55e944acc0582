using Chatbot.Counselling;
using Dongyang.Chat.Protocol;

namespace Chatbot.Api.Chat;

/// <summary>The counsellor line as the protocol carries it, from its one owner, <see cref="CounsellorLine"/>.</summary>
internal static class CounsellorLineExtensions
{
    /// <summary><c>en</c> (or <c>en-US</c> …) is English; anything else Korean, the default.</summary>
    public static CustomerLanguage LanguageOf(string? code) =>
        code is not null && code.StartsWith("en", StringComparison.OrdinalIgnoreCase) ? CustomerLanguage.English : CustomerLanguage.Korean;

    public static HandoffResponse Handoff(this CounsellorLine line, Guid requestId, string? language) =>
        new(requestId, line.Phone, line.DescribeHours(LanguageOf(language)));

    /// <summary>A restored handoff notice, with the hours in the reader's language.</summary>
    public static Func<Guid, DateTimeOffset, HandoffNotice> Notices(this CounsellorLine line, string? language)
    {
        var hours = line.DescribeHours(LanguageOf(language));
        return (requestId, createdAt) => new(requestId, createdAt, line.Phone, hours);
    }

    public static CounsellorContact Contact(this CounsellorLine line, string? language) =>
        new(line.Phone, line.DescribeHours(LanguageOf(language)), line.IsOpenNow);
}

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

    public static HandoffNotice Notice(this CounsellorLine line, Guid requestId, DateTimeOffset createdAt) =>
        new(requestId, createdAt, line.Phone, line.DescribeHours(CustomerLanguage.Korean));

    public static CounsellorContact Contact(this CounsellorLine line, string? language) =>
        new(line.Phone, line.DescribeHours(LanguageOf(language)), line.IsOpenNow);
}

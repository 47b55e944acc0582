using System.ComponentModel.DataAnnotations;

namespace Chatbot.Counselling;

/// <summary>The counsellor line and its hours, bound from the "Counsellor" configuration section.</summary>
public sealed class CounsellorOptions
{
    public const string SectionName = "Counsellor";

    /// <summary>The number customers call, as printed to them.</summary>
    [Required]
    [RegularExpression(@"^[0-9+][0-9 ()+\-]{2,30}$", ErrorMessage = "Counsellor:Phone must be a phone number such as 1588-0000.")]
    public string Phone { get; set; } = "1588-0000";

    /// <summary>
    /// When counsellors answer, as one or more ranges separated by <c>;</c>: days (<c>Mon-Fri</c>, <c>Sat</c>,
    /// <c>Mon,Wed</c>) and a 24-hour time range, e.g. <c>Mon-Fri 09:00-18:00; Sat 09:00-13:00</c>. See
    /// <see cref="CounsellingHours.Parse"/>.
    /// </summary>
    [Required]
    public string Hours { get; set; } = "Mon-Fri 09:00-18:00";

    /// <summary>The IANA time zone <see cref="Hours"/> are in.</summary>
    [Required]
    public string TimeZone { get; set; } = "Asia/Seoul";
}

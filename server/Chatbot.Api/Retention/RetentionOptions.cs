using System.ComponentModel.DataAnnotations;

namespace Chatbot.Api.Retention;

/// <summary>How long conversations are kept, bound from the "Retention" section.</summary>
internal sealed class RetentionOptions
{
    public const string SectionName = "Retention";

    /// <summary>Conversations untouched for this many days are deleted with their messages.</summary>
    [Range(1, 36_500)]
    public int Days { get; set; } = 90;

    /// <summary>How often the sweep runs, in seconds.</summary>
    [Range(1, 86_400)]
    public int SweepIntervalSeconds { get; set; } = 3600;
}

using System.ComponentModel.DataAnnotations;

namespace Chatbot.Api.Resilience;

/// <summary>
/// Fault drills only: slows the answer stream so that a client drop, a server kill or a database restart can be made
/// to happen mid-answer. Bound from the "FaultInjection" section; off (0) by default and in production.
/// </summary>
internal sealed class FaultInjectionOptions
{
    public const string SectionName = "FaultInjection";

    /// <summary>A pause before each piece of answer text, in milliseconds.</summary>
    [Range(0, 10_000)]
    public int AnswerPieceDelayMilliseconds { get; set; }
}

using System.Text.Json.Serialization;
using Dongyang.Chat.Protocol;

namespace Chatbot.Ai.Contracts;

/// <summary>A question for the answer stream.</summary>
/// <param name="Question">The customer's question, already masked of personal data.</param>
public sealed record AnswerRequest(string Question);

/// <summary>
/// One line of the answer stream: any number of <see cref="AnswerDeltaEvent"/>s, then <see cref="AnswerCitationsEvent"/>,
/// then <see cref="AnswerFinishedEvent"/>. A stream that ends without <see cref="AnswerFinishedEvent"/>, or with an
/// <see cref="AnswerErrorEvent"/>, was interrupted.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(AnswerDeltaEvent), "delta")]
[JsonDerivedType(typeof(AnswerCitationsEvent), "citations")]
[JsonDerivedType(typeof(AnswerFinishedEvent), "finished")]
[JsonDerivedType(typeof(AnswerErrorEvent), "error")]
public abstract record AnswerStreamEvent;

/// <summary>The next piece of answer text.</summary>
/// <param name="Text">Text to append.</param>
public sealed record AnswerDeltaEvent(string Text) : AnswerStreamEvent;

/// <summary>The cited sources, numbered as in the text.</summary>
/// <param name="Citations">The citations.</param>
public sealed record AnswerCitationsEvent(IReadOnlyList<Citation> Citations) : AnswerStreamEvent;

/// <summary>The answer is complete.</summary>
/// <param name="Grounded">True when the answer quotes the knowledge base.</param>
/// <param name="Suggestions">Follow-up questions.</param>
public sealed record AnswerFinishedEvent(bool Grounded, IReadOnlyList<string> Suggestions) : AnswerStreamEvent
{
    /// <summary>True when the answer offers a human counsellor; added, so older AI services that omit it mean false.</summary>
    public bool OffersHandoff { get; init; }
}

/// <summary>The engine failed after the stream started.</summary>
/// <param name="Code">A stable code, such as <c>engine_failed</c>.</param>
/// <param name="Message">An operator-facing description.</param>
public sealed record AnswerErrorEvent(string Code, string Message) : AnswerStreamEvent;

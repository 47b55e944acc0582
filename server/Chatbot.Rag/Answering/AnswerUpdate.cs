using Dongyang.Chat.Protocol;

namespace Chatbot.Rag.Answering;

/// <summary>One step of an answer as the engine produces it.</summary>
public abstract record AnswerUpdate;

/// <summary>The next piece of answer text.</summary>
public sealed record AnswerDelta(string Text) : AnswerUpdate;

/// <summary>The sources the answer cites, numbered as in its text.</summary>
public sealed record AnswerCitations(IReadOnlyList<Citation> Citations) : AnswerUpdate;

/// <summary>The answer is complete.</summary>
public sealed record AnswerFinished(bool Grounded, IReadOnlyList<string> Suggestions) : AnswerUpdate
{
    /// <summary>True when the answer offers a human counsellor (a decline, a request for a person): the widget shows a button.</summary>
    public bool OffersHandoff { get; init; }
}

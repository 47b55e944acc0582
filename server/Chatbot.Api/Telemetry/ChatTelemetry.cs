using System.Diagnostics.Metrics;

namespace Chatbot.Api.Telemetry;

/// <summary>
/// The chat's metrics (Meter "Chatbot.Api"): questions, declines, handoffs, refusals by the rate limiter, time to the
/// first token and answer latency. Tags are fixed words (surface, outcome), never text or ids a customer supplied.
/// Active connections come from SignalR's own meter (<c>signalr.server.active_connections</c>).
/// </summary>
internal static class ChatTelemetry
{
    public const string Name = "Chatbot.Api";

    private static readonly Meter Meter = new(Name);

    private static readonly Counter<long> Questions = Meter.CreateCounter<long>("chatbot.chat.questions", "{question}", "Questions stored (resends of a known question not counted).");

    private static readonly Counter<long> Answers = Meter.CreateCounter<long>("chatbot.chat.answers", "{answer}", "Answers completed, by outcome: answered, declined, interrupted or failed.");

    private static readonly Counter<long> Handoffs = Meter.CreateCounter<long>("chatbot.chat.handoffs", "{handoff}", "Requests for a human counsellor.");

    private static readonly Counter<long> RateLimited = Meter.CreateCounter<long>("chatbot.chat.rate_limited", "{request}", "Requests and hub calls refused by a rate limit, by surface (http, hub).");

    private static readonly Histogram<double> TimeToFirstToken = Meter.CreateHistogram<double>("chatbot.chat.time_to_first_token", "s", "From a question stored to the first piece of its answer.");

    private static readonly Histogram<double> AnswerDuration = Meter.CreateHistogram<double>("chatbot.chat.answer.duration", "s", "From a question stored to its answer stored.");

    public static void QuestionStored() => Questions.Add(1);

    public static void FirstToken(TimeSpan elapsed) => TimeToFirstToken.Record(elapsed.TotalSeconds);

    public static void AnswerEnded(string outcome, TimeSpan elapsed)
    {
        Answers.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        AnswerDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("outcome", outcome));
    }

    public static void HandoffRequested() => Handoffs.Add(1);

    public static void Refused(string surface) => RateLimited.Add(1, new KeyValuePair<string, object?>("surface", surface));
}

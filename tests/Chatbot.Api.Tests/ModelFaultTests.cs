using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Chatbot.Testing;
using Dongyang.Chat.Client;
using Dongyang.Chat.Protocol;

namespace Chatbot.Api.Tests;

/// <summary>The real server answering through an OpenAI-wire model (a local fake) with short model timeouts.</summary>
public sealed class ModelFaultFixture : SqliteStoredRowsFixture
{
    public FakeOpenAiServer Model { get; private set; } = null!;

    protected override async Task<IReadOnlyDictionary<string, string>> PrepareStorageAsync()
    {
        Model = await FakeOpenAiServer.StartAsync();
        return Merge(await base.PrepareStorageAsync(), new Dictionary<string, string>
        {
            ["Ai__OpenAI__BaseUrl"] = Model.BaseUrl.ToString(),
            ["Ai__OpenAI__ApiKey"] = "sk-fault-test-local",
            ["Ai__OpenAI__MaxRetries"] = "0",

            // The production default is 20 s each; a silent model should cost this test seconds, not minutes.
            ["Ai__OpenAI__FirstTokenTimeoutSeconds"] = "3",
            ["Ai__OpenAI__StreamIdleTimeoutSeconds"] = "3",

            // Offline embeddings: only the answering model is under test.
            ["Ai__OpenAI__EmbeddingModel"] = "",
        });
    }

    protected override async Task ReleaseStorageAsync()
    {
        await base.ReleaseStorageAsync();
        await Model.DisposeAsync();
    }
}

/// <summary>The real server with its AI service (Ai:BaseUrl, as deployed) played by a local fake that can fail on cue.</summary>
public sealed class FailingAiServiceFixture : SqliteStoredRowsFixture
{
    public FakeAiService Ai { get; private set; } = null!;

    protected override async Task<IReadOnlyDictionary<string, string>> PrepareStorageAsync()
    {
        Ai = await FakeAiService.StartAsync();
        return Merge(await base.PrepareStorageAsync(), new Dictionary<string, string>
        {
            ["Ai__BaseUrl"] = Ai.BaseUrl.ToString(),
            ["Ai__ServiceKey"] = FakeAiService.ServiceKey,
            ["Ai__StreamIdleTimeoutSeconds"] = "2",
        });
    }

    protected override async Task ReleaseStorageAsync()
    {
        await base.ReleaseStorageAsync();
        await Ai.DisposeAsync();
    }
}

/// <summary>What the customer saw for one question, through the SDK.</summary>
internal sealed record SeenAnswer(AcceptedEvent? Accepted, CompletedEvent? Completed, ErrorEvent? Error, string Text, IReadOnlyList<Citation> Citations)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    /// <summary>Asks and reads to the end; a stream that neither completes nor errs within the patience fails the test as a hang.</summary>
    public static async Task<SeenAnswer> AskAsync(IDongyangChat chat, string question, string clientMessageId)
    {
        using var timeout = new CancellationTokenSource(Patience);
        AcceptedEvent? accepted = null;
        var text = new StringBuilder();
        IReadOnlyList<Citation> citations = [];
        var clock = Stopwatch.StartNew();
        try
        {
            await foreach (var e in chat.AskAsync(question, clientMessageId, timeout.Token))
            {
                switch (e)
                {
                    case AcceptedEvent a:
                        accepted = a;
                        break;
                    case DeltaEvent delta:
                        text.Append(delta.Text);
                        break;
                    case CitationsEvent c:
                        citations = c.Citations;
                        break;
                    case CompletedEvent completed:
                        return new SeenAnswer(accepted, completed, null, text.ToString(), citations);
                    case ErrorEvent error:
                        return new SeenAnswer(accepted, null, error, text.ToString(), citations);
                }
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            Assert.Fail($"'{question}' hung: neither an answer nor an error within {Patience.TotalSeconds:0} s (text so far: {text}).");
        }

        Assert.Fail($"'{question}' ended after {clock.Elapsed.TotalSeconds:0.0} s without a completed or error event.");
        return null!;
    }
}

/// <summary>
/// One conversation whose model (or AI service) fails in different ways between normal answers. After each question
/// the customer has a clear state, never a hang, and at the end the conversation holds each acknowledged question once,
/// each with one answer.
/// </summary>
public sealed class ModelFaultTests(ModelFaultFixture fixture) : IClassFixture<ModelFaultFixture>
{
    [Fact]
    public async Task A_model_that_answers_500_stays_silent_or_stalls_mid_answer_still_gives_a_complete_answer_each_time_and_stores_every_message_once()
    {
        var sentences = new List<string>();
        FakeChatReply Normal(IReadOnlyList<JsonObject> messages)
        {
            var sentence = Prompt.FirstSentence(Prompt.Sources(Prompt.User(messages))[0]);
            lock (sentences)
            {
                sentences.Add(sentence);
            }

            return new FakeChatReply($"{sentence} [1]\n<follow_up>\n청구 기한이 있나요?\n</follow_up>");
        }

        var steps = new (string Fault, string Question, Func<IReadOnlyList<JsonObject>, FakeChatReply> Reply)[]
        {
            ("normal", "보험금 청구할 때 필요한 서류는 뭐예요?", Normal),
            ("HTTP 500", "보험계약대출 이자는 어떻게 되나요?", _ => new FakeChatReply("", Status: 500)),
            ("no first token", "해지환급금이 뭐예요?", m => Normal(m) with { DelayBeforeFirstToken = TimeSpan.FromSeconds(30) }),
            ("stall mid-answer", "보험료를 못 내면 계약이 어떻게 되나요?", m => Normal(m) with { StallAfterCharacters = 12 }),
            ("normal again", "수익자를 변경하려면 어떻게 해야 하나요?", Normal),
        };
        await using var chat = new DongyangChatClient(new DongyangChatOptions { ServerUrl = fixture.Server.BaseAddress, SiteKey = ChatServer.LocalSiteKey });

        var seen = new List<SeenAnswer>();
        var clientIds = new List<string>();
        foreach (var (fault, question, reply) in steps)
        {
            fixture.Model.Reply = reply;
            var modelCalls = fixture.Model.ChatRequests.Count;
            sentences.Clear();
            var clientId = DongyangChatClient.NewClientMessageId();
            var answer = await SeenAnswer.AskAsync(chat, question, clientId);
            seen.Add(answer);
            clientIds.Add(clientId);

            Assert.True(fixture.Model.ChatRequests.Count == modelCalls + 1, $"{fault}: the model should have been asked once");
            Assert.True(answer.Completed is not null, $"{fault}: expected a completed answer, got {answer.Error?.Code}: {answer.Error?.Message}");
            Assert.True(answer.Completed.Grounded, $"{fault}: the answer should quote the documents");
            Assert.NotEmpty(answer.Citations);
            Assert.Contains("[1]", answer.Text, StringComparison.Ordinal);
            switch (fault)
            {
                case "normal" or "normal again":
                    Assert.StartsWith($"{Assert.Single(sentences)} [1]", answer.Text, StringComparison.Ordinal);
                    break;
                default:
                    // A model answer is checked whole before any of it is shown, so a failure before its end, even a
                    // stall after some text, shows none of it: the customer gets exactly the offline answer.
                    Assert.DoesNotContain("답변 생성이 중단되어", answer.Text, StringComparison.Ordinal);
                    break;
            }
        }

        Assert.Single(seen.Select(s => s.Accepted!.ConversationId).Distinct());
        var history = (await chat.GetHistoryAsync())!;
        Assert.Equal(steps.Length * 2, history.Messages.Count);
        for (var i = 0; i < steps.Length; i++)
        {
            var question = history.Messages[2 * i];
            var answer = history.Messages[(2 * i) + 1];
            Assert.Equal(("user", seen[i].Accepted!.UserMessageId, clientIds[i]), (question.Role, question.Id, question.ClientMessageId));
            Assert.Equal(("assistant", seen[i].Completed!.MessageId), (answer.Role, answer.Id));
            Assert.Equal(seen[i].Text, answer.Content);

            var stored = await StoredExchange.ReadAsync(fixture.OpenDatabase, clientIds[i]);
            Assert.Equal((1, 1, 0), (stored.Questions, stored.CompleteAnswers, stored.InterruptedAnswers));
        }
    }
}

public sealed class AiServiceFaultTests(FailingAiServiceFixture fixture) : IClassFixture<FailingAiServiceFixture>
{
    [Fact]
    public async Task An_AI_service_that_answers_500_or_stalls_mid_answer_gives_the_customer_a_clear_error_and_keeps_every_message_once()
    {
        string[] pieces = ["보험금 청구는 모바일 앱에서 할 수 있습니다 [1].", " 필요한 서류를 함께 내 주세요."];
        var steps = new (string Fault, string Question, FakeAiAnswer Answer)[]
        {
            ("normal", "보험금 청구는 어떻게 하나요?", new FakeAiAnswer(pieces)),
            ("HTTP 500", "보험계약대출 이자는 어떻게 되나요?", new FakeAiAnswer([], Status: 500)),
            ("stall mid-answer", "해지환급금이 뭐예요?", new FakeAiAnswer(pieces, StallAfterPieces: 1)),
            ("normal again", "수익자를 변경하려면 어떻게 해야 하나요?", new FakeAiAnswer(pieces)),
        };
        await using var chat = new DongyangChatClient(new DongyangChatOptions { ServerUrl = fixture.Server.BaseAddress, SiteKey = ChatServer.LocalSiteKey });

        var seen = new List<SeenAnswer>();
        var clientIds = new List<string>();
        foreach (var (fault, question, scripted) in steps)
        {
            fixture.Ai.Answer = () => scripted;
            var clientId = DongyangChatClient.NewClientMessageId();
            var answer = await SeenAnswer.AskAsync(chat, question, clientId);
            seen.Add(answer);
            clientIds.Add(clientId);

            Assert.NotNull(answer.Accepted);
            if (fault.StartsWith("normal", StringComparison.Ordinal))
            {
                Assert.True(answer.Completed is not null, $"{fault}: expected a completed answer, got {answer.Error?.Code}");
                Assert.Equal(string.Concat(pieces), answer.Text);
            }
            else
            {
                // A friendly Korean message that says the question is kept and to try again, with the counsellor line.
                Assert.True(answer.Error is not null, $"{fault}: expected an error event, got a completed answer: {answer.Text}");
                Assert.Equal("answer_unavailable", answer.Error.Code);
                Assert.Contains("질문은 저장되었으니", answer.Error.Message, StringComparison.Ordinal);
                Assert.Equal(fault == "HTTP 500" ? "" : pieces[0], answer.Text);
            }
        }

        Assert.Single(seen.Select(s => s.Accepted!.ConversationId).Distinct());
        var history = (await chat.GetHistoryAsync())!;
        Assert.Equal(steps.Length * 2, history.Messages.Count);
        for (var i = 0; i < steps.Length; i++)
        {
            var question = history.Messages[2 * i];
            var answer = history.Messages[(2 * i) + 1];
            Assert.Equal(("user", seen[i].Accepted!.UserMessageId, clientIds[i]), (question.Role, question.Id, question.ClientMessageId));
            Assert.Equal("assistant", answer.Role);

            // What the customer saw is what is kept: the interrupted answers with what had arrived, marked interrupted.
            Assert.Equal(seen[i].Text, answer.Content);
            var stored = await StoredExchange.ReadAsync(fixture.OpenDatabase, clientIds[i]);
            var interrupted = seen[i].Completed is null;
            Assert.Equal((1, interrupted ? 0 : 1, interrupted ? 1 : 0), (stored.Questions, stored.CompleteAnswers, stored.InterruptedAnswers));
        }
    }
}

using Dongyang.Chat.Protocol;
using Microsoft.Extensions.AI;
using ChatMessage = Microsoft.Extensions.AI.ChatMessage;

namespace Dongyang.Chat.Client.Tests;

/// <summary>The Microsoft.Extensions.AI <see cref="IChatClient"/> adapter against the real server.</summary>
public sealed class ChatClientAdapterTests(SharedServer fixture) : IClassFixture<SharedServer>
{
    private const string ClaimQuestion = "보험금 청구할 때 필요한 서류는 뭐예요?";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task GetResponseAsync_returns_the_whole_answer_with_citation_annotations_and_the_answers_properties()
    {
        await using var chat = NewClient();
        IChatClient ai = chat.AsIChatClient();

        var response = await ai.GetResponseAsync(
            [new ChatMessage(ChatRole.System, "ignored: the server has its own instructions"), new ChatMessage(ChatRole.User, ClaimQuestion)])
            .WaitAsync(Patience);

        var message = Assert.Single(response.Messages);
        Assert.Equal(ChatRole.Assistant, message.Role);
        var text = Assert.IsType<TextContent>(Assert.Single(message.Contents));
        Assert.Contains("[1]", text.Text, StringComparison.Ordinal);
        Assert.NotNull(text.Annotations);
        var annotations = text.Annotations.Cast<CitationAnnotation>().ToList();
        Assert.NotEmpty(annotations);
        var first = annotations[0];
        var citation = Assert.IsType<Citation>(first.RawRepresentation);
        Assert.Equal(1, citation.Index);
        Assert.Equal(citation.Title, first.Title);
        Assert.Equal(citation.Snippet, first.Snippet);
        Assert.Equal(citation.DocumentId, first.FileId);
        Assert.False(string.IsNullOrWhiteSpace(first.Title));
        var marker = Assert.IsType<TextSpanAnnotatedRegion>(Assert.Single(first.AnnotatedRegions!, r => r is TextSpanAnnotatedRegion));
        Assert.Equal("[1]", text.Text[marker.StartIndex!.Value..marker.EndIndex!.Value]);

        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal(chat.ConversationId?.ToString(), response.ConversationId);
        var answer = Assert.IsType<ChatAnswer>(response.RawRepresentation);
        Assert.Equal(answer.MessageId.ToString(), response.ResponseId);
        Assert.NotNull(response.AdditionalProperties);
        Assert.Equal(true, response.AdditionalProperties[DongyangChatAdditionalProperties.Grounded]);
        Assert.Same(answer.Suggestions, response.AdditionalProperties[DongyangChatAdditionalProperties.Suggestions]);
        Assert.Equal(answer.Citations, Assert.IsAssignableFrom<IReadOnlyList<Citation>>(response.AdditionalProperties[DongyangChatAdditionalProperties.Citations]));
        Assert.Same(chat, ai.GetService<IDongyangChat>());
        Assert.Equal("dongyang-chat", ai.GetService<ChatClientMetadata>()?.ProviderName);

        var history = await chat.GetHistoryAsync();
        Assert.NotNull(history);
        Assert.Equal(["user", "assistant"], history.Messages.Select(m => m.Role));
        Assert.Equal(ClaimQuestion, history.Messages[0].Content);
        Assert.Equal(response.Text, history.Messages[^1].Content);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_streams_the_text_then_an_update_with_the_citations_and_properties()
    {
        await using var chat = NewClient();
        IChatClient ai = chat.AsIChatClient();

        using var patience = new CancellationTokenSource(Patience);
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in ai.GetStreamingResponseAsync(ClaimQuestion, cancellationToken: patience.Token))
        {
            updates.Add(update);
        }

        Assert.True(updates.Count > 2, $"expected several text updates and a last one, got {updates.Count}");
        Assert.All(updates, u => Assert.Equal(ChatRole.Assistant, u.Role));
        Assert.All(updates[..^1], u => Assert.IsType<DeltaEvent>(u.RawRepresentation));
        var last = updates[^1];
        var completed = Assert.IsType<CompletedEvent>(last.RawRepresentation);
        Assert.Equal(ChatFinishReason.Stop, last.FinishReason);
        Assert.Equal(completed.MessageId.ToString(), last.MessageId);
        Assert.Equal(chat.ConversationId?.ToString(), last.ConversationId);
        Assert.All(updates, u => Assert.Equal(last.ConversationId, u.ConversationId));
        var cited = last.Contents.SelectMany(c => c.Annotations ?? []).Cast<CitationAnnotation>().ToList();
        Assert.NotEmpty(cited);
        Assert.Equal(1, Assert.IsType<Citation>(cited[0].RawRepresentation).Index);
        Assert.False(string.IsNullOrWhiteSpace(cited[0].Title));
        Assert.NotNull(last.AdditionalProperties);
        Assert.Equal(true, last.AdditionalProperties[DongyangChatAdditionalProperties.Grounded]);
        Assert.Equal(cited.Count, Assert.IsAssignableFrom<IReadOnlyList<Citation>>(last.AdditionalProperties[DongyangChatAdditionalProperties.Citations]).Count);

        var streamed = string.Concat(updates.Select(u => u.Text));
        Assert.Contains("[1]", streamed, StringComparison.Ordinal);
        var history = await chat.GetHistoryAsync();
        Assert.NotNull(history);
        Assert.Equal(streamed, history.Messages[^1].Content);
        Assert.Equal(streamed, updates.ToChatResponse().Text);
    }

    [Fact]
    public async Task ConversationId_of_a_response_continues_that_conversation_from_another_client()
    {
        await using var first = NewClient();
        var response = await first.AsIChatClient().GetResponseAsync(ClaimQuestion).WaitAsync(Patience);

        await using var second = NewClient();
        var followUp = await second.AsIChatClient()
            .GetResponseAsync("보험료를 못 내면 어떻게 되나요?", new ChatOptions { ConversationId = response.ConversationId })
            .WaitAsync(Patience);

        Assert.Equal(response.ConversationId, followUp.ConversationId);
        var history = await second.GetHistoryAsync();
        Assert.NotNull(history);
        Assert.Equal(["user", "assistant", "user", "assistant"], history.Messages.Select(m => m.Role));
    }

    [Fact]
    public async Task A_refused_question_throws_the_error_event_from_both_calls()
    {
        await using var chat = NewClient();
        IChatClient ai = chat.AsIChatClient();
        var tooLong = new string('가', 20_000);
        using var patience = new CancellationTokenSource(Patience);

        var whole = await Assert.ThrowsAsync<DongyangChatAnswerException>(() => ai.GetResponseAsync(tooLong).WaitAsync(Patience));
        var streamed = await Assert.ThrowsAsync<DongyangChatAnswerException>(async () =>
        {
            await foreach (var update in ai.GetStreamingResponseAsync(tooLong, cancellationToken: patience.Token))
            {
                Assert.Fail($"no update expected, got '{update.Text}'");
            }
        });

        Assert.Equal(ChatErrorCodes.MessageTooLong, whole.Code);
        Assert.Equal(ChatErrorCodes.MessageTooLong, streamed.Code);
        await Assert.ThrowsAsync<ArgumentException>(() => ai.GetResponseAsync([new ChatMessage(ChatRole.Assistant, "no question here")]));
    }

    private DongyangChatClient NewClient() => new(new DongyangChatOptions
    {
        ServerUrl = fixture.Server.BaseAddress,
        SiteKey = ChatServer.LocalSiteKey,
        ReconnectDelays = [TimeSpan.Zero, TimeSpan.FromMilliseconds(200)],
    });
}

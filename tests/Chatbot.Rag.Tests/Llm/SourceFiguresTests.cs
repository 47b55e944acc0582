using Chatbot.Rag.Answering;
using Chatbot.Rag.Ingestion;
using Chatbot.Rag.Retrieval;

namespace Chatbot.Rag.Tests.Llm;

public sealed class SourceFiguresTests
{
    private static readonly RetrievedPassage Source = new(
        new IngestedChunk { Key = "a#0", DocumentId = "a", DocumentTitle = "A", Text = "보험금은 서류 접수 후 3영업일 이내에 지급합니다. 대출은 해지환급금의 95% 이내, 최대 1,000만 원입니다. 만 15세 이상." },
        1, 1, 1, 1);

    [Theory]
    [InlineData("접수 후 3영업일 이내에 지급됩니다.")]
    [InlineData("해지환급금의 95% 이내, 최대 1,000만원까지 가능합니다.")]
    [InlineData("만 １５세 이상이면 됩니다.")]
    [InlineData("고객센터 1588-0000, 제3조에 따릅니다.")]
    public void Figures_written_in_the_source_are_supported(string answer) => Assert.Empty(SourceFigures.Unsupported(answer, [Source]));

    [Theory]
    [InlineData("접수 후 5영업일 이내에 지급됩니다.", "5영업일")]
    [InlineData("해지환급금의 90% 이내입니다.", "90%")]
    [InlineData("최대 2,000만 원까지입니다.", "2,000만 원")]
    [InlineData("3일 이내에 지급됩니다.", "3일")]
    public void Figures_the_source_does_not_hold_are_reported(string answer, string figure) =>
        Assert.Equal([figure], SourceFigures.Unsupported(answer, [Source]));
}

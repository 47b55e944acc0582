using System.Text;
using System.Text.RegularExpressions;
using Chatbot.Rag.Ingestion;

namespace Chatbot.Rag.Tests;

public sealed partial class KoreanChunkerTests
{
    private static readonly string[] Endings = ["합니다.", "됩니다.", "있습니다.", "드립니다.", "인가요?", "하나요?"];

    /// <summary>A 약관 in plain text: article headers in the body, many sentences per article.</summary>
    private static string TermsText()
    {
        var text = new StringBuilder();
        for (var article = 1; article <= 4; article++)
        {
            text.AppendLine($"제{article}조(조항 {article}의 제목)");
            for (var s = 1; s <= 3 + (article * 4); s++)
            {
                var ending = Endings[(article + s) % Endings.Length];
                text.AppendLine($"{Circled(s)} 제{article}조 {s}번째 문장으로 회사는 보험금 지급사유가 발생한 경우 약관에 따라 보험금을 지급{ending}");
            }

            text.AppendLine();
        }

        return text.ToString();
    }

    private static char Circled(int n) => (char)('①' + ((n - 1) % 20));

    [Fact]
    public void Sentences_split_at_korean_sentence_ends_but_not_at_list_numbers()
    {
        var sentences = KoreanChunker.SplitSentences("보험금은 3영업일 이내에 지급합니다. 서류가 필요한가요? 1. 청구서 제출 방법은 2.5일 안내됩니다. Q. 무엇인가요?");

        Assert.Equal(
            ["보험금은 3영업일 이내에 지급합니다.", "서류가 필요한가요?", "1. 청구서 제출 방법은 2.5일 안내됩니다.", "Q. 무엇인가요?"],
            sentences);
    }

    [Fact]
    public void No_chunk_is_cut_mid_sentence()
    {
        var chunks = new KoreanChunker(new ChunkingOptions { MaxChunkLength = 300 }).ChunkText(TermsText());

        Assert.True(chunks.Count > 4, $"expected the long articles to need several chunks, got {chunks.Count}");
        foreach (var chunk in chunks)
        {
            Assert.Matches(@"[.?!]$", chunk.Text);
            foreach (var line in chunk.Text.Split('\n'))
            {
                Assert.Matches(@"^[①-⑳]", line);
            }
        }
    }

    [Fact]
    public void No_chunk_holds_text_from_two_articles_and_the_section_names_the_article()
    {
        var chunks = new KoreanChunker(new ChunkingOptions { MaxChunkLength = 300 }).ChunkText(TermsText());

        foreach (var chunk in chunks)
        {
            var articles = ArticleReference().Matches(chunk.Text).Select(m => m.Groups[1].Value).Distinct().ToList();
            Assert.Single(articles);
            Assert.StartsWith($"제{articles[0]}조(조항 {articles[0]}의 제목)", chunk.Section, StringComparison.Ordinal);
        }

        Assert.Equal(4, chunks.Select(c => c.Section.Split(' ')[0]).Distinct().Count());
    }

    [Fact]
    public void Chunks_respect_the_cap_and_overlap_by_one_sentence()
    {
        var chunks = new KoreanChunker(new ChunkingOptions { MaxChunkLength = 300 }).ChunkText(TermsText());

        Assert.All(chunks, c => Assert.True(c.Text.Length <= 300, $"{c.Text.Length} chars: {c.Text}"));
        var overlaps = 0;
        for (var i = 1; i < chunks.Count; i++)
        {
            if (chunks[i].Section.Split(' ')[0] != chunks[i - 1].Section.Split(' ')[0])
            {
                continue;
            }

            var previousLast = chunks[i - 1].Text.Split('\n')[^1];
            Assert.Equal(previousLast, chunks[i].Text.Split('\n')[0]);
            overlaps++;
        }

        Assert.True(overlaps > 0);
    }

    [Fact]
    public void A_later_chunk_of_an_article_names_its_first_clause()
    {
        var chunks = new KoreanChunker(new ChunkingOptions { MaxChunkLength = 300 }).ChunkText(TermsText());

        Assert.Contains(chunks, c => Regex.IsMatch(c.Section, @"^제4조\(조항 4의 제목\) [②-⑳]$"));
    }

    [Fact]
    public void A_table_stays_whole_even_beyond_the_cap()
    {
        var rows = string.Join('\n', Enumerable.Range(1, 12).Select(i => $"| 청구 유형 {i} | 진단서, 진료비 영수증, 진료비 세부내역서 {i} |"));
        var markdown = $"""
            # 구비서류

            ## 3. 청구 유형별 구비서류

            보험금 청구 시 필요한 서류는 청구 유형에 따라 다릅니다.

            | 청구 유형 | 필요 서류 |
            |---|---|
            {rows}

            자세한 내용은 고객센터로 문의하시기 바랍니다.
            """;

        var chunks = new KoreanChunker(new ChunkingOptions { MaxChunkLength = 200 }).Chunk(MarkdownDocumentReader.Parse(markdown, "claims.md"));

        var tableChunks = chunks.Where(c => c.Text.Contains(" | ", StringComparison.Ordinal)).ToList();
        var table = Assert.Single(tableChunks);
        Assert.Contains("청구 유형 | 필요 서류", table.Text, StringComparison.Ordinal);
        Assert.Contains("청구 유형 12 | 진단서", table.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("|---", table.Text, StringComparison.Ordinal);
        Assert.True(table.Text.Length > 200);
        Assert.All(chunks, c => Assert.Equal("3. 청구 유형별 구비서류", c.Section));
    }

    [Fact]
    public void An_over_long_sentence_is_split_at_a_clause_boundary()
    {
        var sentence = string.Join(", ", Enumerable.Range(1, 30).Select(i => $"{i}번째 항목의 서류를 준비하고")) + " 제출합니다.";

        var chunks = new KoreanChunker(new ChunkingOptions { MaxChunkLength = 120 }).ChunkText(sentence);

        Assert.True(chunks.Count > 1);
        Assert.All(chunks, c => Assert.True(c.Text.Length <= 120));
        Assert.All(chunks.SkipLast(1), c => Assert.EndsWith(",", c.Text, StringComparison.Ordinal));
        Assert.Equal(sentence.Replace(" ", "", StringComparison.Ordinal), string.Concat(chunks.Select(c => c.Text)).Replace(" ", "", StringComparison.Ordinal));
    }

    [Fact]
    public void Markdown_front_matter_headings_and_notice_are_handled()
    {
        var markdown = """
            ---
            title: 보험금 청구 안내
            type: faq
            product: common
            ---
            # 다른 제목

            > 이 문서는 Dongyang Chat 시연을 위한 가상의 예시 콘텐츠이며, 실제 동양생명의 약관이나 상품 내용이 아닙니다.

            ## 7. 자주 묻는 질문

            ### Q. 보험금 청구할 때 어떤 서류가 필요한가요?
            보험금 청구 시 **기본 서류**는 보험금 청구서와 신분증 사본입니다.

            ## 제3조(보험금의 청구)

            ① 보험수익자는 [보험금 청구서](https://example.invalid/form)를 제출하여야 합니다.
            """;

        var document = MarkdownDocumentReader.Parse(markdown, "claims-procedure.md");
        var chunks = new KoreanChunker().Chunk(document);

        Assert.Equal("보험금 청구 안내", document.Title);
        Assert.Equal("faq", document.DocumentType);
        Assert.Equal("common", document.Product);
        Assert.DoesNotContain(chunks, c => c.Text.Contains("가상의 예시", StringComparison.Ordinal));
        Assert.Equal(2, chunks.Count);
        Assert.Equal("7. 자주 묻는 질문 > Q. 보험금 청구할 때 어떤 서류가 필요한가요?", chunks[0].Section);
        Assert.Equal("보험금 청구 시 기본 서류는 보험금 청구서와 신분증 사본입니다.", chunks[0].Text);
        Assert.Equal("제3조(보험금의 청구)", chunks[1].Section);
        Assert.Equal("① 보험수익자는 보험금 청구서를 제출하여야 합니다.", chunks[1].Text);
    }

    [Fact]
    public void Title_falls_back_to_the_first_heading_then_the_file_name()
    {
        Assert.Equal("대출 안내", MarkdownDocumentReader.Parse("# 대출 안내\n\n본문입니다.", "loan.md").Title);
        Assert.Equal("loan", MarkdownDocumentReader.Parse("본문입니다.", "loan.md").Title);
    }

    [GeneratedRegex(@"제(\d+)조 \d+번째")]
    private static partial Regex ArticleReference();
}

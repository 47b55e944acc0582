using System.IO.Compression;
using Chatbot.Rag.Embeddings;
using Chatbot.Rag.Ingestion;

namespace Chatbot.Rag.Tests;

/// <summary>
/// Each supported format, read from real files (the PDF and DOCX were produced by LibreOffice with Noto CJK fonts),
/// keeps what a citation needs: the document title, the 조/heading path, whole tables and, for PDFs, the page.
/// </summary>
public sealed class DocumentReaderTests : IDisposable
{
    private const string InjuryTermsTitle = "무배당 예시상해보험 약관";

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private static string Fixture(string name) => Path.Combine(TestSupport.FixturesPath, name);

    private static async Task<(ParsedDocument Document, IReadOnlyList<TextChunk> Chunks)> ReadAsync(IDocumentReader reader, string fixture)
    {
        await using var stream = File.OpenRead(Fixture(fixture));
        var document = await reader.ReadAsync(stream, fixture);
        return (document, new KoreanChunker().Chunk(document));
    }

    private static TextChunk ChunkContaining(IReadOnlyList<TextChunk> chunks, string text) =>
        chunks.FirstOrDefault(c => c.Text.Contains(text, StringComparison.Ordinal))
        ?? throw new Xunit.Sdk.XunitException($"No chunk contains '{text}'. Chunks:\n{string.Join("\n---\n", chunks.Select(c => $"[{c.Section}] p{c.Page}: {c.Text}"))}");

    [Fact]
    public async Task A_korean_pdf_keeps_its_title_articles_tables_and_page_numbers()
    {
        var (document, chunks) = await ReadAsync(new PdfDocumentReader(), "injury-terms.pdf");

        Assert.Equal(InjuryTermsTitle, document.Title);
        var fracture = ChunkContaining(chunks, "골절진단금 50만원");
        Assert.EndsWith("제3조(보험금의 지급사유)", fracture.Section, StringComparison.Ordinal);
        Assert.Equal(1, fracture.Page);

        var table = ChunkContaining(chunks, "대퇴골 골절");
        Assert.Contains("1급 | 척추 골절 | 300만원", table.Text, StringComparison.Ordinal);
        Assert.Contains("3급 | 손목 골절 | 50만원", table.Text, StringComparison.Ordinal);

        var cancellation = ChunkContaining(chunks, "3영업일 이내에 해지환급금");
        Assert.EndsWith("제5조(계약자의 임의해지)", cancellation.Section, StringComparison.Ordinal);
        Assert.Equal(2, cancellation.Page);

        var dispute = ChunkContaining(chunks, "금융감독원에 분쟁조정");
        Assert.EndsWith("제7조(분쟁의 조정)", dispute.Section, StringComparison.Ordinal);
        Assert.Equal(3, dispute.Page);
    }

    [Fact]
    public async Task A_korean_docx_keeps_its_title_heading_path_articles_and_tables()
    {
        var (document, chunks) = await ReadAsync(new DocxDocumentReader(), "injury-terms.docx");

        Assert.Equal(InjuryTermsTitle, document.Title);
        var hospital = ChunkContaining(chunks, "상해입원일당 2만원");
        Assert.Equal("제3조(보험금의 지급사유)", hospital.Section);
        Assert.Null(hospital.Page);
        Assert.Contains(document.Blocks, b => b.HeadingPath.SequenceEqual(["제2관 보험금의 지급"]));

        var exclusions = ChunkContaining(chunks, "암벽등반");
        Assert.StartsWith("제6조(보험금을 지급하지 않는 사유)", exclusions.Section, StringComparison.Ordinal);
        Assert.Contains("1. 스카이다이빙, 행글라이딩 등 항공 레저 활동\n2. 암벽등반 등 전문 등반\n3. 자동차 경주 등 속도 경기", exclusions.Text, StringComparison.Ordinal);

        var table = ChunkContaining(chunks, "대퇴골 골절");
        Assert.Contains("상해 등급 | 예시 | 보험금\n1급 | 척추 골절 | 300만원\n2급 | 대퇴골 골절 | 150만원\n3급 | 손목 골절 | 50만원", table.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_html_page_keeps_headings_lists_and_tables_and_skips_page_chrome()
    {
        var (document, chunks) = await ReadAsync(new HtmlDocumentReader(), "premium-faq.html");

        Assert.Equal("보험료 납입 도움말", document.Title);
        var methods = ChunkContaining(chunks, "가상계좌 입금");
        Assert.Equal("1. 납입 방법 > Q. 보험료는 어떻게 내나요?", methods.Section);
        Assert.Contains("1. 모바일 앱에서 [납입 관리]를 누릅니다.", string.Join('\n', chunks.Select(c => c.Text)), StringComparison.Ordinal);

        var table = ChunkContaining(chunks, "3월 10일");
        Assert.Contains("납입기일 | 유예기간 끝 | 실효일\n3월 10일 | 4월 30일 | 5월 1일\n6월 20일 | 7월 31일 | 8월 1일", table.Text, StringComparison.Ordinal);
        Assert.Equal("2. 납입 유예 > Q. 보험료가 밀리면 어떻게 되나요?", table.Section);

        var all = string.Join('\n', chunks.Select(c => c.Text));
        Assert.DoesNotContain("스크립트", all, StringComparison.Ordinal);
        Assert.DoesNotContain("메뉴 전체보기", all, StringComparison.Ordinal);
        Assert.DoesNotContain("숨겨진", all, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_encrypted_pdf_is_refused_with_a_reason()
    {
        await using var stream = File.OpenRead(Fixture("encrypted-terms.pdf"));

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => new PdfDocumentReader().ReadAsync(stream, "encrypted-terms.pdf"));

        Assert.Contains("encrypted", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_docx_that_would_expand_enormously_is_refused_as_a_zip_bomb()
    {
        using var bomb = new MemoryStream();
        using (var zip = new ZipArchive(bomb, ZipArchiveMode.Create, leaveOpen: true))
        {
            await using var entry = zip.CreateEntry("word/document.xml", CompressionLevel.SmallestSize).Open();
            var zeros = new byte[1024 * 1024];
            for (var i = 0; i < 80; i++)
            {
                await entry.WriteAsync(zeros);
            }
        }

        bomb.Position = 0;
        Assert.True(bomb.Length < 1024 * 1024, "the bomb itself is small");

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => new DocxDocumentReader().ReadAsync(bomb, "bomb.docx"));

        Assert.Contains("zip bomb", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_and_encrypted_files_fail_alone_and_the_run_goes_on()
    {
        var corpus = _directory.Combine("corpus");
        Directory.CreateDirectory(corpus);
        foreach (var name in new[] { "injury-terms.pdf", "injury-terms.docx", "premium-faq.html", "encrypted-terms.pdf" })
        {
            var target = name == "injury-terms.docx" ? "injury-terms-word.docx" : name;
            File.Copy(Fixture(name), Path.Combine(corpus, target));
        }

        var truncated = File.ReadAllBytes(Fixture("injury-terms.pdf"))[..1500];
        File.WriteAllBytes(Path.Combine(corpus, "truncated.pdf"), truncated);
        File.WriteAllText(Path.Combine(corpus, "not-really.pdf"), "이건 PDF가 아닙니다");
        File.WriteAllText(Path.Combine(corpus, "broken.docx"), "PK but not a zip");
        _directory.Write("corpus/notes.md", "# 메모\n\n## 안내\n\n보험금은 3영업일 이내에 지급합니다.\n");

        using var store = TestSupport.NewStore(_directory);
        var generator = new HashingEmbeddingGenerator();
        var ingestor = new KnowledgeIngestor(store, generator, new KoreanChunker(), TestSupport.AllReaders());

        var summary = await ingestor.IngestDirectoryAsync(corpus, null, default);

        Assert.Equal(4, summary.Files);
        Assert.Equal(
            ["broken.docx", "encrypted-terms.pdf", "not-really.pdf", "truncated.pdf"],
            summary.Failed.Select(f => f.Path).Order(StringComparer.Ordinal));
        Assert.Contains("encrypted", summary.Failed.Single(f => f.Path == "encrypted-terms.pdf").Reason, StringComparison.Ordinal);
        Assert.Contains("not a PDF", summary.Failed.Single(f => f.Path == "not-really.pdf").Reason, StringComparison.Ordinal);
        Assert.Contains("malformed", summary.Failed.Single(f => f.Path == "truncated.pdf").Reason, StringComparison.Ordinal);
        Assert.Contains("zip", summary.Failed.Single(f => f.Path == "broken.docx").Reason, StringComparison.Ordinal);

        var pdfChunks = await store.GetDocumentChunksAsync("injury-terms");
        Assert.All(pdfChunks, c => Assert.Equal(InjuryTermsTitle, c.DocumentTitle));
        Assert.Contains(pdfChunks, c => c.Page == 2);
        Assert.NotEmpty(await store.GetDocumentChunksAsync("injury-terms-word"));
        Assert.NotEmpty(await store.GetDocumentChunksAsync("premium-faq"));
    }
}

using Chatbot.Rag.Answering;
using Chatbot.Rag.Ingestion;
using Chatbot.Rag.VectorStores;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Chatbot.Rag.Tests;

/// <summary>
/// Personal data in a document never reaches the index, so it can never be quoted to a customer: a registration number
/// an operator left in an uploaded guide was once quoted back word for word.
/// </summary>
public sealed class IngestionMaskingTests : IDisposable
{
    private const string Guide = """
        # 보험금 청구 예시 (홍길동 ９００１０１－１２３４５６８)

        ## 청구인 정보

        청구인 홍길동의 주민등록번호는 900101-1234568 이고, 휴대폰은 010-2345-6780 입니다.

        | 항목 | 값 |
        | --- | --- |
        | 환급 계좌 | 국민은행 123456-01-123456 |
        | 카드 | 4111 1111 1111 1111 |
        | 여권 | M12345678 |

        ## 접수 방법

        보험금 청구 전용 팩스 02-0000-0000 또는 claims@example.co.kr 로 서류를 보내 주세요.
        """;

    private static readonly string[] RawValues = ["900101", "1234568", "９００１０１", "2345-6780", "123456-01-123456", "4111 1111", "M12345678"];

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Registration_phone_account_card_and_passport_numbers_are_masked_before_indexing_and_the_insurers_contact_points_stay()
    {
        _directory.Write("corpus/claim-example.md", Guide);
        using var store = TestSupport.NewStore(_directory);

        var summary = await TestSupport.NewIngestor(store).IngestDirectoryAsync(_directory.Combine("corpus"), null, default);

        Assert.Equal(1, summary.Files);
        var chunks = await store.GetDocumentChunksAsync("claim-example");
        var indexed = string.Join('\n', chunks.Select(c => $"{c.DocumentTitle}\n{c.Section}\n{c.Text}"));
        foreach (var raw in RawValues)
        {
            Assert.DoesNotContain(raw, indexed, StringComparison.Ordinal);
        }

        var onDisk = await File.ReadAllTextAsync(_directory.Combine("data", Chatbot.Rag.VectorStores.EmbeddedVectorStoreCollection.DefaultFileName));
        Assert.DoesNotContain("900101", onDisk, StringComparison.Ordinal);
        Assert.Contains("[주민등록번호]", indexed, StringComparison.Ordinal);
        Assert.Contains("[전화번호]", indexed, StringComparison.Ordinal);
        Assert.Contains("[계좌번호]", indexed, StringComparison.Ordinal);
        Assert.Contains("[카드번호]", indexed, StringComparison.Ordinal);
        Assert.Contains("[여권번호]", indexed, StringComparison.Ordinal);
        Assert.Contains("02-0000-0000", indexed, StringComparison.Ordinal);
        Assert.Contains("claims@example.co.kr", indexed, StringComparison.Ordinal);
        Assert.StartsWith("보험금 청구 예시 (홍길동 [주민등록번호])", chunks[0].DocumentTitle, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_customer_asking_for_the_number_in_the_document_gets_the_label_not_the_number()
    {
        _directory.Write("knowledge/claim-example.md", Guide);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Rag:DataDirectory"] = _directory.Combine("data"),
            ["Rag:KnowledgePath"] = _directory.Combine("knowledge"),
        }).Build();
        await using var services = new ServiceCollection().AddChatbotRag(configuration).BuildServiceProvider();
        await services.GetRequiredService<KnowledgeIngestor>().IngestDirectoryAsync();

        var updates = await services.GetRequiredService<IChatAnswerer>().AnswerAsync("청구인 홍길동의 주민등록번호와 휴대폰 번호는 뭔가요?").ToListAsync();

        var shown = string.Concat(updates.OfType<AnswerDelta>().Select(d => d.Text))
            + string.Concat(updates.OfType<AnswerCitations>().SelectMany(c => c.Citations).Select(c => $"{c.Title} {c.Snippet}"));
        Assert.Contains("[주민등록번호]", shown, StringComparison.Ordinal);
        foreach (var raw in RawValues)
        {
            Assert.DoesNotContain(raw, shown, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_document_indexed_before_masking_is_indexed_again_masked()
    {
        _directory.Write("corpus/claim-example.md", Guide);
        using var store = TestSupport.NewStore(_directory);
        var ingestor = TestSupport.NewIngestor(store);
        await ingestor.IngestDirectoryAsync(_directory.Combine("corpus"), null, default);

        // What an earlier version left: the same file's chunks, raw, under the fingerprint it had (no masking rules).
        var current = (await store.GetDocumentChunksAsync("claim-example"))[0];
        var oldFingerprint = current.DocumentHash[..current.DocumentHash.LastIndexOf("/masked-v", StringComparison.Ordinal)];
        await store.ReplaceDocumentAsync("claim-example", [current with { DocumentHash = oldFingerprint, Text = "주민등록번호는 900101-1234568" }]);

        var summary = await ingestor.IngestDirectoryAsync(_directory.Combine("corpus"), null, default);

        Assert.Equal(1, summary.Files);
        Assert.DoesNotContain(await store.GetDocumentChunksAsync("claim-example"), c => c.Text.Contains("900101", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_file_whose_name_holds_personal_data_is_refused_and_reported_with_the_name_masked()
    {
        _directory.Write("corpus/홍길동 900101-1234568 청구서.md", "# 청구서\n\n보험금 청구서입니다.\n");
        _directory.Write("corpus/claims.md", "# 보험금 청구 안내\n\n보험금 청구는 앱에서 하실 수 있습니다.\n");
        using var store = TestSupport.NewStore(_directory);

        var summary = await TestSupport.NewIngestor(store).IngestDirectoryAsync(_directory.Combine("corpus"), null, default);

        Assert.Equal(1, summary.Files);
        var failure = Assert.Single(summary.Failed);
        Assert.Equal("홍길동 [주민등록번호] 청구서.md", failure.Path);
        Assert.Equal(["claims"], (await store.GetDocumentHashesAsync()).Keys);
    }
}

using System.Net;
using System.Net.Http.Headers;
using Chatbot.Testing;
using Dongyang.Chat.Protocol;

namespace Chatbot.Api.Tests;

/// <summary>The embedded default with a knowledge folder of its own (a copy of the samples), so its files can be checked.</summary>
public sealed class OwnKnowledgeServerFixture : ChatServerFixture
{
    public string KnowledgePath { get; } = Directory.CreateTempSubdirectory("chatbot-knowledge-").FullName;

    protected override Task<IReadOnlyDictionary<string, string>> PrepareStorageAsync()
    {
        var samples = Path.Combine(RepositoryPaths.Root, "samples", "knowledge");
        foreach (var file in Directory.EnumerateFiles(samples, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(KnowledgePath, Path.GetRelativePath(samples, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string> { ["Rag__KnowledgePath"] = KnowledgePath });
    }

    protected override Task ReleaseStorageAsync()
    {
        Directory.Delete(KnowledgePath, recursive: true);
        return Task.CompletedTask;
    }
}

/// <summary>
/// Issue 12 item 11: a re-upload that cannot be read is refused with a clear 422 and replaces nothing: the stored file
/// stays byte for byte, and its indexed chunks still answer and are cited.
/// </summary>
public sealed class DocumentReuploadTests(OwnKnowledgeServerFixture fixture) : IClassFixture<OwnKnowledgeServerFixture>
{
    private const string Name = "pet-visit-guide.docx";
    private const string DocumentId = "uploads/pet-visit-guide";
    private const string Question = "고객센터 지점에 반려견 동반 방문이 가능한가요?";

    [Fact]
    public async Task A_failed_reupload_keeps_the_good_document_on_disk_and_in_the_index()
    {
        var good = TestDocuments.Docx(
            "반려견 동반 방문 안내",
            "고객센터 지점에는 반려견 동반 방문이 가능합니다.",
            "안내견은 언제나 환영하며, 반려견은 목줄을 착용해 주세요.");
        using var admin = fixture.Server.CreateAdminClient();
        using var http = fixture.Server.CreateHttpClient();
        var stored = Path.Combine(fixture.KnowledgePath, "uploads", Name);

        using var goodForm = Upload(good);
        using (var first = await admin.PostAsync("/api/admin/documents", goodForm))
        {
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        }

        Assert.Equal(good, await File.ReadAllBytesAsync(stored));
        var before = await SiteAccessTests<SqliteChatServerFixture>.AskAsync(http, new ChatRequest(Question));
        Assert.Contains(before.Citations, c => c.DocumentId == DocumentId);

        using var brokenForm = Upload(TestDocuments.BrokenDocx());
        using var broken = await admin.PostAsync("/api/admin/documents", brokenForm);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, broken.StatusCode);
        var problem = await SiteAccessTests<SqliteChatServerFixture>.ProblemAsync(broken);
        Assert.Equal("unreadable_document", problem.GetProperty("code").GetString());
        Assert.True(File.Exists(stored), "the good document's file was deleted");
        Assert.Equal(good, await File.ReadAllBytesAsync(stored));
        Assert.Equal([stored], Directory.GetFiles(Path.GetDirectoryName(stored)!));
        var after = await SiteAccessTests<SqliteChatServerFixture>.AskAsync(http, new ChatRequest(Question));
        Assert.Contains(after.Citations, c => c.DocumentId == DocumentId);
        Assert.Contains("반려견 동반 방문", after.Answer, StringComparison.Ordinal);
        Assert.Contains("unchanged", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private static MultipartFormDataContent Upload(byte[] content)
    {
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
        return new MultipartFormDataContent { { file, "file", Name } };
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Chatbot.Api.Tests;

/// <summary>The admin API's knowledge endpoints in the embedded default, through the in-process knowledge base.</summary>
public sealed class KnowledgeAdminTests(OwnKnowledgeServerFixture fixture) : IClassFixture<OwnKnowledgeServerFixture>
{
    [Fact]
    public async Task An_upload_is_listed_its_chunks_are_read_and_a_delete_removes_its_file_and_chunks()
    {
        using var admin = fixture.Server.CreateAdminClient();
        var stored = Path.Combine(fixture.KnowledgePath, "uploads", "branch-hours.md");
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(Encoding.UTF8.GetBytes("# 지점 운영 시간\n\n고객 플라자 지점은 평일 오전 9시부터 오후 4시까지 운영합니다.\n")), "file", "branch-hours.md" },
        };

        using (var uploaded = await admin.PostAsync("/api/admin/documents", form))
        {
            Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
            Assert.Equal("/api/admin/documents/uploads/branch-hours.md", uploaded.Headers.Location?.OriginalString);
        }

        var documents = await admin.GetFromJsonAsync<JsonElement>("/api/admin/documents");
        Assert.Contains(documents.EnumerateArray(), d => d.GetProperty("path").GetString() == "uploads/branch-hours.md" && d.GetProperty("indexed").GetBoolean());
        var chunks = await admin.GetFromJsonAsync<JsonElement>("/api/admin/chunks?documentId=uploads/branch-hours");
        Assert.Contains(chunks.EnumerateArray(), c => c.GetProperty("text").GetString()!.Contains("오후 4시까지", StringComparison.Ordinal));

        using var deleted = await admin.DeleteAsync("/api/admin/documents/uploads/branch-hours.md");
        using var gone = await admin.GetAsync("/api/admin/chunks?documentId=uploads/branch-hours");
        using var again = await admin.DeleteAsync("/api/admin/documents/uploads/branch-hours.md");
        using var outside = await admin.DeleteAsync("/api/admin/documents/..%2F..%2Fappsettings.json");

        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Equal(1, (await deleted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("removed").GetInt32());
        Assert.False(File.Exists(stored));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal("document_not_found", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, outside.StatusCode);
    }
}

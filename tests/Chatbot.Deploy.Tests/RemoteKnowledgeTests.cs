using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Chatbot.Ai.Contracts;
using Chatbot.Testing;
using Dongyang.Chat.Protocol;

namespace Chatbot.Deploy.Tests;

/// <summary>
/// Issue 14 item 1: with a remote AI service (as compose runs it) the admin API's knowledge endpoints are the ai's
/// knowledge base. Before, an upload went into an index of the Api's own that nothing searched.
/// </summary>
public sealed class RemoteKnowledgeTests(AiServiceFixture fixture) : IClassFixture<AiServiceFixture>
{
    private const string Document = "# 반려동물 동반 안내\n\n## 반려견 동반 방문\n\n고객센터 지점에는 소형 반려견 동반 방문이 가능합니다. 안내견은 언제나 환영합니다.\n";

    [Fact]
    public async Task An_admin_upload_reaches_the_ai_service_is_answered_from_and_is_deleted_there()
    {
        var api = await ChatServer.StartAsync(settings: new Dictionary<string, string>
        {
            ["Ai__BaseUrl"] = fixture.Ai.BaseAddress.ToString(),
            ["Ai__ServiceKey"] = Services.AiServiceKey,
        });
        try
        {
            using var admin = api.CreateAdminClient();
            using var ai = fixture.Ai.CreateAiClient();

            using (var uploaded = await admin.PostAsync("/api/admin/documents", Upload("pet-visit.md", Encoding.UTF8.GetBytes(Document))))
            {
                Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
                var body = await uploaded.Content.ReadFromJsonAsync<JsonElement>();
                Assert.Equal("uploads/pet-visit", body.GetProperty("document").GetString());
                Assert.Equal(1, body.GetProperty("summary").GetProperty("files").GetInt32());
            }

            // The ai holds it: in its folder, in its index, in its own document list.
            Assert.True(File.Exists(Path.Combine(fixture.DataDirectory, "knowledge", "uploads", "pet-visit.md")));
            var aiDocuments = await ai.GetFromJsonAsync<List<KnowledgeDocument>>(AiEndpoints.Documents, JsonSerializerOptions.Web);
            Assert.Contains(aiDocuments!, d => d is { Path: "uploads/pet-visit.md", DocumentId: "uploads/pet-visit", Indexed: true });

            // The Api keeps no index of its own.
            Assert.False(File.Exists(Path.Combine(api.DataDirectory, "chunks.log")), "the Api wrote a local index");

            // The admin API lists and shows what the ai holds.
            var adminDocuments = await admin.GetFromJsonAsync<List<KnowledgeDocument>>("/api/admin/documents", JsonSerializerOptions.Web);
            Assert.Equal(aiDocuments!.Select(d => d.Path), adminDocuments!.Select(d => d.Path));
            var chunks = await admin.GetFromJsonAsync<List<KnowledgeChunk>>("/api/admin/chunks?documentId=uploads/pet-visit", JsonSerializerOptions.Web);
            Assert.Contains(chunks!, c => c.Text.Contains("반려견 동반 방문이 가능합니다", StringComparison.Ordinal));

            // A question to the Api is answered from it.
            using var http = api.CreateHttpClient();
            using (var asked = await http.PostAsJsonAsync("api/chat", new ChatRequest("지점에 반려견 동반 방문이 가능한가요?")))
            {
                Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
                var answer = (await asked.Content.ReadFromJsonAsync<ChatResponse>(JsonSerializerOptions.Web))!;
                Assert.True(answer.Grounded, answer.Answer);
                Assert.Contains(answer.Citations, c => c.DocumentId == "uploads/pet-visit");
            }

            // The Api builds no engine: after an upload and an answer, none of the document readers' or the vector
            // store's assemblies is loaded in its process.
            var mapped = await File.ReadAllTextAsync($"/proc/{api.ProcessId}/maps");
            Assert.Contains("/Chatbot.Api.dll", mapped, StringComparison.Ordinal);
            foreach (var assembly in new[] { "Markdig.dll", "UglyToad.PdfPig.dll", "DocumentFormat.OpenXml.dll", "AngleSharp.dll", "Pgvector.dll" })
            {
                Assert.DoesNotContain("/" + assembly, mapped, StringComparison.Ordinal);
            }

            // Refusals carry the codes the in-process knowledge base gives.
            using (var broken = await admin.PostAsync("/api/admin/documents", Upload("pet-leaflet.docx", TestDocuments.BrokenDocx())))
            {
                await AssertProblemAsync(broken, HttpStatusCode.UnprocessableEntity, KnowledgeProblems.UnreadableDocument);
            }

            using (var executable = await admin.PostAsync("/api/admin/documents", Upload("tool.exe", "MZ"u8.ToArray())))
            {
                await AssertProblemAsync(executable, HttpStatusCode.BadRequest, KnowledgeProblems.UnsupportedType);
            }

            using (var empty = await admin.PostAsync("/api/admin/documents", Upload("empty.md", [])))
            {
                await AssertProblemAsync(empty, HttpStatusCode.BadRequest, KnowledgeProblems.EmptyDocument);
            }

            // Deleted through the admin API, it is gone from the ai.
            using (var deleted = await admin.DeleteAsync("/api/admin/documents/uploads/pet-visit.md"))
            {
                Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
                Assert.Equal(1, (await deleted.Content.ReadFromJsonAsync<IngestionReport>(JsonSerializerOptions.Web))!.Removed);
            }

            Assert.False(File.Exists(Path.Combine(fixture.DataDirectory, "knowledge", "uploads", "pet-visit.md")));
            Assert.DoesNotContain((await ai.GetFromJsonAsync<List<KnowledgeDocument>>(AiEndpoints.Documents, JsonSerializerOptions.Web))!, d => d.DocumentId == "uploads/pet-visit");
            using (var again = await admin.DeleteAsync("/api/admin/documents/uploads/pet-visit.md"))
            {
                await AssertProblemAsync(again, HttpStatusCode.NotFound, KnowledgeProblems.DocumentNotFound);
            }

            using (var gone = await admin.GetAsync("/api/admin/chunks?documentId=uploads/pet-visit"))
            {
                await AssertProblemAsync(gone, HttpStatusCode.NotFound, KnowledgeProblems.DocumentNotFound);
            }

            // A sync through the admin API is the ai's: its sample documents are unchanged.
            using (var synced = await admin.PostAsync("/api/admin/ingestion", null))
            {
                Assert.Equal(HttpStatusCode.OK, synced.StatusCode);
                var report = (await synced.Content.ReadFromJsonAsync<IngestionReport>(JsonSerializerOptions.Web))!;
                Assert.Equal(aiDocuments!.Count - 1, report.Skipped);
            }
        }
        finally
        {
            await api.DisposeAsync();
            Directory.Delete(api.DataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task With_the_ai_down_a_knowledge_change_gets_503_knowledge_unavailable_and_the_api_stays_up()
    {
        var closed = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        var api = await ChatServer.StartAsync(settings: new Dictionary<string, string>
        {
            ["Ai__BaseUrl"] = $"http://127.0.0.1:{port}/",
            ["Ai__ServiceKey"] = Services.AiServiceKey,
        });
        try
        {
            using var admin = api.CreateAdminClient();

            using var upload = await admin.PostAsync("/api/admin/documents", Upload("pet-visit.md", Encoding.UTF8.GetBytes(Document)));
            using var sync = await admin.PostAsync("/api/admin/ingestion", null);
            using var list = await admin.GetAsync("/api/admin/documents");

            await AssertProblemAsync(upload, HttpStatusCode.ServiceUnavailable, KnowledgeProblems.Unavailable);
            await AssertProblemAsync(sync, HttpStatusCode.ServiceUnavailable, KnowledgeProblems.Unavailable);
            await AssertProblemAsync(list, HttpStatusCode.ServiceUnavailable, KnowledgeProblems.Unavailable);
            using var health = await admin.GetAsync("/api/health");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }
        finally
        {
            await api.DisposeAsync();
            Directory.Delete(api.DataDirectory, recursive: true);
        }
    }

    /// <summary>The ai's own limits (Rag:Parsing, Ai:MaxDocumentBytes) reach the admin as the codes the in-process knowledge base gives.</summary>
    [Fact]
    public async Task The_ais_too_complex_and_too_large_refusals_reach_the_admin_with_their_codes()
    {
        var pdf = await File.ReadAllBytesAsync(Path.Combine(RepositoryPaths.Root, "tests", "Chatbot.Rag.Tests", "Fixtures", "injury-terms.pdf"));
        var data = Directory.CreateTempSubdirectory("chatbot-ai-limits-").FullName;
        var ai = await Services.StartAiAsync(data, settings: new Dictionary<string, string>
        {
            ["Rag__Parsing__MaxPages"] = "1",
            ["Ai__MaxDocumentBytes"] = (pdf.Length + 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        ChatServer? api = null;
        try
        {
            api = await ChatServer.StartAsync(settings: new Dictionary<string, string>
            {
                ["Ai__BaseUrl"] = ai.BaseAddress.ToString(),
                ["Ai__ServiceKey"] = Services.AiServiceKey,
            });
            using var admin = api.CreateAdminClient();

            using var complex = await admin.PostAsync("/api/admin/documents", Upload("injury-terms.pdf", pdf));
            using var large = await admin.PostAsync("/api/admin/documents", Upload("large.md", Encoding.UTF8.GetBytes("# 큰 문서\n\n" + new string('가', pdf.Length))));

            await AssertProblemAsync(complex, HttpStatusCode.UnprocessableEntity, KnowledgeProblems.DocumentTooComplex);
            await AssertProblemAsync(large, HttpStatusCode.RequestEntityTooLarge, KnowledgeProblems.DocumentTooLarge);
            Assert.False(File.Exists(Path.Combine(data, "knowledge", "uploads", "injury-terms.pdf")));
            Assert.False(File.Exists(Path.Combine(data, "knowledge", "uploads", "large.md")));
        }
        finally
        {
            if (api is not null)
            {
                await api.DisposeAsync();
                Directory.Delete(api.DataDirectory, recursive: true);
            }

            await ai.DisposeAsync();
            Directory.Delete(data, recursive: true);
        }
    }

    private static MultipartFormDataContent Upload(string name, byte[] bytes) => new() { { new ByteArrayContent(bytes), "file", name } };

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {body}");
        using var problem = JsonDocument.Parse(body);
        Assert.Equal(code, problem.RootElement.GetProperty("code").GetString());
    }
}

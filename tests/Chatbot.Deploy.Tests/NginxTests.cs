using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Dongyang.Chat.Protocol;

namespace Chatbot.Deploy.Tests;

/// <summary>The production nginx configuration, for real, in front of the real Api and AI processes.</summary>
public sealed class NginxTests(StackFixture stack) : IClassFixture<StackFixture>
{
    [Fact]
    public async Task Production_config_passes_nginx_t()
    {
        var test = await stack.Nginx.RunAsync("-t");

        Assert.True(test.ExitCode == 0, test.ToString());
        Assert.Contains("syntax is ok", test.Error, StringComparison.Ordinal);
        Assert.Contains("test is successful", test.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("[warn]", test.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_over_SignalR_WebSockets_through_the_proxy_is_answered_by_the_ai_service()
    {
        await using var connection = await Services.ConnectHubAsync(stack.Nginx.HttpsBase);

        var events = await Services.AskAsync(connection, new ChatRequest("보험금 청구할 때 필요한 서류는 뭐예요?"));

        Assert.IsType<AcceptedEvent>(events[0]);
        Assert.True(Assert.IsType<CompletedEvent>(events[^1]).Grounded, Services.Text(events));
        var citations = Assert.Single(events.OfType<CitationsEvent>()).Citations;
        Assert.NotEmpty(citations);

        // The cited chunks come from pgvector in the stack's database, not from a file beside the ai.
        await using (var database = new Npgsql.NpgsqlConnection(stack.ConnectionString))
        {
            await database.OpenAsync();
            await using var chunks = new Npgsql.NpgsqlCommand("SELECT count(*) FROM rag_chunks WHERE document_id = @id", database);
            chunks.Parameters.AddWithValue("id", citations[0].DocumentId);
            Assert.True((long)(await chunks.ExecuteScalarAsync())! > 0, $"no chunk of {citations[0].DocumentId} in rag_chunks");
        }

        Assert.Empty(Directory.EnumerateFiles(stack.AiData, "chunks.log", SearchOption.AllDirectories));
        // nginx logs the upgraded request when the WebSocket closes.
        await connection.StopAsync();
        var access = "";
        for (var attempt = 0; attempt < 50 && !access.Contains("\"GET /hubs/chat HTTP/1.1\" 101", StringComparison.Ordinal); attempt++)
        {
            await Task.Delay(100);
            access = await File.ReadAllTextAsync(Path.Combine(stack.Nginx.Prefix, "logs", "access.log"));
        }

        Assert.True(access.Contains("\"GET /hubs/chat HTTP/1.1\" 101", StringComparison.Ordinal), access);
    }

    [Fact]
    public async Task The_access_log_keeps_paths_but_never_a_query_string_such_as_the_identity_hash()
    {
        // In a browser the SDK puts the customer's id and identity hash in the hub address (WebSockets carry no headers).
        var secret = "secret" + Guid.NewGuid().ToString("N");
        using var http = Services.InsecureHttpClient(stack.Nginx.HttpsBase);
        using var hub = new HttpRequestMessage(HttpMethod.Get, $"hubs/chat?siteKey={Services.SiteKey}&userId=customer-7&userHash={secret}");
        using var page = new HttpRequestMessage(HttpMethod.Get, $"widget/dongyang-chat.js?userHash={secret}");
        page.Headers.Referrer = new Uri($"https://partner.example/mypage?userHash={secret}");

        using var hubResponse = await http.SendAsync(hub);
        using var pageResponse = await http.SendAsync(page);

        var log = Path.Combine(stack.Nginx.Prefix, "logs", "access.log");
        var access = "";
        for (var attempt = 0; attempt < 50 && !access.Contains("GET /widget/dongyang-chat.js ", StringComparison.Ordinal); attempt++)
        {
            await Task.Delay(100);
            access = await File.ReadAllTextAsync(log);
        }

        Assert.Contains($"\"GET /hubs/chat HTTP/1.1\" {(int)hubResponse.StatusCode}", access, StringComparison.Ordinal);
        Assert.Contains("\"GET /widget/dongyang-chat.js HTTP/1.1\" 200", access, StringComparison.Ordinal);
        Assert.Contains("\"https://partner.example/mypage\"", access, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, access, StringComparison.Ordinal);
        Assert.DoesNotContain("customer-7", access, StringComparison.Ordinal);

        // Nor does the error log, where nginx writes the whole request line of a request it refuses over the rate limit.
        // (From an address of its own, so the other tests keep their budget.)
        using var spender = Services.InsecureHttpClient(stack.Nginx.HttpsBase, from: IPAddress.Parse("127.0.0.3"));
        var limited = false;
        for (var i = 0; i < 60 && !limited; i++)
        {
            using var response = await spender.PostAsJsonAsync($"api/chat?userHash={secret}", new ChatRequest(""));
            limited = response.StatusCode == HttpStatusCode.TooManyRequests;
        }

        Assert.True(limited);
        Assert.DoesNotContain(secret, stack.Nginx.ErrorLog, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, await File.ReadAllTextAsync(log), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Streamed_answer_passes_through_as_server_sent_events()
    {
        using var http = Services.InsecureHttpClient(stack.Nginx.HttpsBase);
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/chat/stream") { Content = JsonContent.Create(new ChatRequest("해지환급금이 뭐예요?")) };

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("event: delta", body, StringComparison.Ordinal);
        Assert.Contains("event: completed", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Widget_loader_is_revalidated_precompressed_and_embeddable_cross_origin()
    {
        using var http = Services.InsecureHttpClient(stack.Nginx.HttpsBase);
        using var request = new HttpRequestMessage(HttpMethod.Get, "widget/dongyang-chat.js");
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        request.Headers.Add("Origin", "https://partner.example");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/javascript", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["gzip"], response.Content.Headers.ContentEncoding);
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
        Assert.Equal("*", Header(response, "Access-Control-Allow-Origin"));
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("strict-origin-when-cross-origin", Header(response, "Referrer-Policy"));
    }

    [Fact]
    public async Task The_chat_app_page_comes_from_the_api_with_the_site_keys_frame_ancestors_and_no_frame_ban()
    {
        using var http = Services.InsecureHttpClient(stack.Nginx.HttpsBase);

        using var response = await http.GetAsync(new Uri($"widget/app/index.html?siteKey={Services.SiteKey}&lang=ko", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var policy = Header(response, "Content-Security-Policy") ?? "";
        Assert.Contains("frame-ancestors 'self' http://127.0.0.1:8080 http://localhost:8080", policy, StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("X-Frame-Options"));
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task Fingerprinted_framework_file_is_immutable_wasm_precompressed_and_cross_origin()
    {
        using var http = Services.InsecureHttpClient(stack.Nginx.HttpsBase);
        using var request = new HttpRequestMessage(HttpMethod.Get, StackFixture.FingerprintedWasm);
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));

        using var response = await http.SendAsync(request);
        using var plain = await http.GetAsync(new Uri(StackFixture.FingerprintedWasm, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/wasm", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["gzip"], response.Content.Headers.ContentEncoding);
        Assert.Equal("public, max-age=31536000, immutable", response.Headers.CacheControl?.ToString());
        Assert.Equal("*", Header(response, "Access-Control-Allow-Origin"));
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Empty(plain.Content.Headers.ContentEncoding);
        Assert.Equal([0x00, 0x61, 0x73, 0x6d], (await plain.Content.ReadAsByteArrayAsync())[..4]);
    }

    [Fact]
    public async Task Sample_partner_page_is_served_at_the_root_with_security_headers()
    {
        using var http = Services.InsecureHttpClient(stack.Nginx.HttpsBase);

        using var response = await http.GetAsync(new Uri("/", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("/widget/dongyang-chat.js", page, StringComparison.Ordinal);
        // Production seeds no development key: the page carries the key of this host's own site (DEMO_SITE_KEY).
        Assert.Contains($"site-key=\"{NginxProxy.DemoSiteKey}\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("pk_local_dev", page, StringComparison.Ordinal);
        Assert.Equal("SAMEORIGIN", Header(response, "X-Frame-Options"));
        Assert.StartsWith("max-age=", Header(response, "Strict-Transport-Security"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plain_http_serves_acme_challenges_and_redirects_everything_else_to_https()
    {
        await File.WriteAllTextAsync(Path.Combine(stack.Nginx.CertbotRoot, ".well-known", "acme-challenge", "token-1"), "token-1.key");
        using var http = Services.InsecureHttpClient(stack.Nginx.HttpBase);

        using var challenge = await http.GetAsync(new Uri("/.well-known/acme-challenge/token-1", UriKind.Relative));
        using var page = await http.GetAsync(new Uri("/api/health", UriKind.Relative));

        Assert.Equal("token-1.key", await challenge.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.MovedPermanently, page.StatusCode);
        Assert.Equal("https", page.Headers.Location?.Scheme);
        Assert.Equal("localhost", page.Headers.Location?.Host);
    }

    [Fact]
    public async Task A_host_that_is_not_the_sites_gets_no_answer_and_no_reflected_redirect()
    {
        using var byAddress = Services.InsecureHttpClient(stack.Nginx.HttpByAddress);
        using var forged = Services.InsecureHttpClient(stack.Nginx.HttpBase);
        using var forgedRequest = new HttpRequestMessage(HttpMethod.Get, "/api/health");
        forgedRequest.Headers.Host = "phishing.example";

        // 444: nginx closes the connection without a response.
        await Assert.ThrowsAsync<HttpRequestException>(() => byAddress.GetAsync(new Uri("/", UriKind.Relative)));
        await Assert.ThrowsAsync<HttpRequestException>(() => forged.SendAsync(forgedRequest));

        // Over TLS, a name that is not ours is refused in the handshake.
        using var tls = Services.InsecureHttpClient(new Uri($"https://127.0.0.1:{stack.Nginx.HttpsPort}/"));
        await Assert.ThrowsAsync<HttpRequestException>(() => tls.GetAsync(new Uri("/", UriKind.Relative)));
    }

    [Fact]
    public async Task The_admin_api_answers_only_listed_networks_and_takes_a_document_upload_the_chat_api_refuses()
    {
        using var http = Services.InsecureHttpClient(stack.Nginx.HttpsBase);
        var allowFile = Path.Combine(stack.Nginx.AdminAllowFolder, "test-loopback.conf");
        try
        {
            // The shipped list names the compose network only: loopback here stands for the internet.
            using var outside = await http.GetAsync(new Uri("/api/admin/sites", UriKind.Relative));
            Assert.Equal(HttpStatusCode.Forbidden, outside.StatusCode);

            await File.WriteAllTextAsync(allowFile, "allow 127.0.0.1;\n");
            await stack.Nginx.ReloadAsync();
            await Task.Delay(500);

            using var listed = await http.GetAsync(new Uri("/api/admin/sites", UriKind.Relative));
            Assert.Equal(HttpStatusCode.Unauthorized, listed.StatusCode);

            // The documented largest upload (Limits:MaxUploadBytes, 10 MB) with its multipart framing.
            var pdf = new ByteArrayContent(new byte[10 * 1024 * 1024]);
            pdf.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
            using var largestUpload = new MultipartFormDataContent { { pdf, "file", "big.pdf" } };
            using var upload = await http.PostAsync(new Uri("/api/admin/documents", UriKind.Relative), largestUpload);
            Assert.NotEqual(HttpStatusCode.RequestEntityTooLarge, upload.StatusCode);

            var bigQuestion = new ByteArrayContent(new byte[2 * 1024 * 1024]);
            bigQuestion.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var chat = await http.PostAsync(new Uri("/api/chat", UriKind.Relative), bigQuestion);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chat.StatusCode);
        }
        finally
        {
            File.Delete(allowFile);
            await stack.Nginx.ReloadAsync();
        }
    }

    [Fact]
    public async Task Health_and_readiness_through_the_proxy_report_database_and_ai_up()
    {
        using var http = Services.InsecureHttpClient(stack.Nginx.HttpsBase);

        var health = await http.GetStringAsync(new Uri("/api/health", UriKind.Relative));
        using var ready = JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/health/ready", UriKind.Relative)));

        Assert.Equal("""{"status":"UP"}""", health);
        Assert.Equal("UP", ready.RootElement.GetProperty("status").GetString());
        Assert.Equal("UP", ready.RootElement.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
        Assert.Equal("UP", ready.RootElement.GetProperty("checks").GetProperty("ai").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Chat_api_is_rate_limited_per_client()
    {
        // From an address of its own: the budget it spends is that client's alone, so the other tests keep theirs.
        using var http = Services.InsecureHttpClient(stack.Nginx.HttpsBase, from: IPAddress.Parse("127.0.0.2"));

        // Bounded: 40 empty questions (each rejected cheaply with 400) as fast as one client can send them.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 40; i++)
        {
            using var response = await http.PostAsJsonAsync("api/chat", new ChatRequest(""));
            statuses.Add(response.StatusCode);
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.Contains(HttpStatusCode.BadRequest, statuses);
    }

    [Fact]
    public async Task Container_healthcheck_probe_exits_0_for_a_healthy_service_and_1_for_a_dead_one()
    {
        // The images' HEALTHCHECK runs the app itself with --healthcheck (they have no curl).
        async Task<ToolResult> ProbeAsync(string project, IReadOnlyDictionary<string, string> environment) =>
            await Tool.RunAsync("dotnet", [Path.Combine(Chatbot.Testing.ServerProcess.OutputDirectory(project), project + ".dll"), "--healthcheck"], environment);

        var api = await ProbeAsync("Chatbot.Api", new Dictionary<string, string> { ["ASPNETCORE_URLS"] = $"http://+:{stack.Api.BaseAddress.Port}" });
        var ai = await ProbeAsync("Chatbot.Ai", new Dictionary<string, string> { ["ASPNETCORE_HTTP_PORTS"] = stack.Ai.BaseAddress.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var dead = await ProbeAsync("Chatbot.Api", new Dictionary<string, string> { ["HEALTHCHECK_URL"] = $"http://127.0.0.1:{Tool.FreePort()}/api/health" });

        Assert.True(api.ExitCode == 0, api.ToString());
        Assert.Contains("/api/health -> 200", api.Output, StringComparison.Ordinal);
        Assert.True(ai.ExitCode == 0, ai.ToString());
        Assert.Equal(1, dead.ExitCode);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : null;
}

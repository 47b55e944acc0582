using System.Net;

namespace Chatbot.Api.Tests;

/// <summary>
/// The chat app frame may be shown only by the chat server's own pages and by the origins its site key allows: the
/// browser enforces that through the frame's Content-Security-Policy, since the frame calls the API from our own origin.
/// </summary>
public sealed class WidgetFramePolicyTests(SqliteChatServerFixture fixture) : IClassFixture<SqliteChatServerFixture>
{
    private ChatServer Server => fixture.Server;

    [Fact]
    public async Task The_local_keys_frame_may_be_framed_by_its_own_origins_and_the_chat_server()
    {
        var ancestors = await FrameAncestorsAsync("pk_local_dev");

        Assert.Equal(["'self'", "http://127.0.0.1:8080", "http://localhost:8080"], ancestors);
    }

    [Fact]
    public async Task A_partner_keys_frame_follows_its_origins_and_a_disabled_or_unknown_key_allows_only_the_chat_server()
    {
        var site = await TestSites.CreateAsync(Server, "https://www.partner.example", "https://m.partner.example:8443");

        var enabled = await FrameAncestorsAsync(site.PublicKey);
        using var admin = Server.CreateAdminClient();
        (await admin.PostAsync($"/api/admin/sites/{site.PublicKey}/disable", null)).EnsureSuccessStatusCode();
        var disabled = await FrameAncestorsAsync(site.PublicKey);

        Assert.Equal(["'self'", "https://m.partner.example:8443", "https://www.partner.example"], enabled);
        Assert.Equal(["'self'"], disabled);
        Assert.Equal(["'self'"], await FrameAncestorsAsync("pk_does_not_exist"));
        Assert.Equal(["'self'"], await FrameAncestorsAsync("pk_local_dev'; script-src *"));
        Assert.Equal(["'self'"], await FrameAncestorsAsync(null));
    }

    [Theory]
    [InlineData("/widget/app/index.html")]
    [InlineData("//widget/app/index.html")]
    [InlineData("/widget//app/index.html")]
    [InlineData("/widget/app//index.html")]
    [InlineData("/Widget/App/index.html")]
    [InlineData("/WIDGET/APP/INDEX.HTML")]
    [InlineData("/widget%2Fapp/index.html")]
    [InlineData("/widget/app%2Findex.html")]
    [InlineData("/widget/./app/index.html")]
    [InlineData("//widget/app/_framework/blazor.webassembly.js")]
    public async Task Every_spelling_of_the_frames_address_gets_the_frame_policy_or_nothing(string path)
    {
        using var http = Server.CreateHttpClient(siteKey: null);

        // An absolute address, so that HttpClient sends the path as spelled (a relative "//widget/…" would name a host).
        using var response = await http.GetAsync(new Uri($"{Server.BaseAddress.GetLeftPart(UriPartial.Authority)}{path}?siteKey=pk_local_dev"));

        if (response.IsSuccessStatusCode)
        {
            Assert.True(response.Headers.TryGetValues("Content-Security-Policy", out var policy), $"{path} was served without the frame's policy.");
            Assert.Contains("frame-ancestors 'self' http://127.0.0.1:8080 http://localhost:8080", string.Join(' ', policy), StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
    }

    [Fact]
    public async Task The_README_quotes_the_policy_the_frame_is_sent()
    {
        using var http = Server.CreateHttpClient(siteKey: null);
        using var response = await http.GetAsync("/widget/app/index.html");
        var policy = string.Join(' ', response.Headers.GetValues("Content-Security-Policy"));
        var readme = System.Text.RegularExpressions.Regex.Replace(await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "README.md")), @"\s+", " ");

        Assert.Contains($"`{policy}`", readme, StringComparison.Ordinal);
        Assert.DoesNotContain("frame-ancestors *", readme, StringComparison.Ordinal);
    }

    private async Task<string[]> FrameAncestorsAsync(string? siteKey)
    {
        using var http = Server.CreateHttpClient(siteKey: null);
        var query = siteKey is null ? "" : $"?siteKey={Uri.EscapeDataString(siteKey)}&lang=ko";
        using var response = await http.GetAsync($"/widget/app/index.html{query}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var policy = string.Join(' ', response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self' 'wasm-unsafe-eval'", policy, StringComparison.Ordinal);
        var directive = policy.Split(';', StringSplitOptions.TrimEntries).Single(d => d.StartsWith("frame-ancestors ", StringComparison.Ordinal));
        return directive.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..];
    }
}

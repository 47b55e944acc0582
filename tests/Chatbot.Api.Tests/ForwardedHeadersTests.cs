using System.Net;
using Chatbot.Testing;

namespace Chatbot.Api.Tests;

/// <summary>A server that names no trusted proxy (the default), with a small per-IP budget and AllowedHosts set.</summary>
public sealed class NoTrustedProxyServerFixture : ChatServerFixture
{
    public const int PerIp = 5;

    protected override Task<IReadOnlyDictionary<string, string>> PrepareStorageAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>
        {
            ["RateLimits__WindowSeconds"] = "300",
            ["RateLimits__PerIp"] = $"{PerIp}",
            ["AllowedHosts"] = "127.0.0.1;localhost",
        });
}

/// <summary>A server behind a configured proxy on 127.0.0.1 (as nginx on the same host), AllowedHosts set.</summary>
public sealed class TrustedProxyServerFixture : ChatServerFixture
{
    public const int PerIp = 3;

    protected override Task<IReadOnlyDictionary<string, string>> PrepareStorageAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>
        {
            ["ReverseProxy__KnownProxies__0"] = "127.0.0.1",
            ["RateLimits__WindowSeconds"] = "300",
            ["RateLimits__PerIp"] = $"{PerIp}",
            ["AllowedHosts"] = "127.0.0.1;localhost",
        });
}

/// <summary>
/// Issue 12 item 8: loopback is not trusted by default, so a local process cannot claim another client's address and
/// escape its per-IP budget; a spoofed X-Forwarded-For from an unconfigured peer is ignored.
/// </summary>
public sealed class UntrustedForwardedHeadersTests(NoTrustedProxyServerFixture fixture) : IClassFixture<NoTrustedProxyServerFixture>
{
    [Fact]
    public async Task A_loopback_client_that_is_not_a_configured_proxy_is_counted_as_itself_whatever_X_Forwarded_For_says()
    {
        for (var i = 0; i < NoTrustedProxyServerFixture.PerIp; i++)
        {
            using var spoofing = fixture.Server.CreateHttpClient();
            spoofing.DefaultRequestHeaders.Add("X-Forwarded-For", $"10.77.0.{i + 1}");
            Assert.Equal(HttpStatusCode.NotFound, (await spoofing.GetAsync(UnknownConversation())).StatusCode);
        }

        using var next = fixture.Server.CreateHttpClient();
        next.DefaultRequestHeaders.Add("X-Forwarded-For", "10.77.0.200");
        using var limited = await next.GetAsync(UnknownConversation());

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
    }

    internal static string UnknownConversation() => $"/api/conversations/{Guid.NewGuid()}/messages";
}

/// <summary>
/// Issue 12 item 8: a configured proxy's X-Forwarded-For and -Proto are honoured, its X-Forwarded-Host is not (the Host
/// is what the request was sent with), and a Host outside AllowedHosts is refused.
/// </summary>
public sealed class TrustedForwardedHeadersTests(TrustedProxyServerFixture fixture) : IClassFixture<TrustedProxyServerFixture>
{
    [Fact]
    public async Task A_configured_proxys_X_Forwarded_For_is_honoured_so_each_client_has_its_own_budget()
    {
        using var first = Client("10.78.0.1");
        for (var i = 0; i < TrustedProxyServerFixture.PerIp; i++)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await first.GetAsync(UntrustedForwardedHeadersTests.UnknownConversation())).StatusCode);
        }

        using var limited = await first.GetAsync(UntrustedForwardedHeadersTests.UnknownConversation());
        using var second = Client("10.78.0.2");
        using var fine = await second.GetAsync(UntrustedForwardedHeadersTests.UnknownConversation());

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, fine.StatusCode);
    }

    [Fact]
    public async Task X_Forwarded_Host_is_ignored_and_X_Forwarded_Proto_is_taken_in_the_sign_in_redirect()
    {
        // The console's cookie challenge builds an absolute redirect from the request's scheme and Host.
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = fixture.Server.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/console/inbox");
        request.Headers.Add("X-Forwarded-For", "10.78.1.1");
        request.Headers.Add("X-Forwarded-Host", "evil.example");
        request.Headers.Add("X-Forwarded-Proto", "https");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = Assert.IsType<Uri>(response.Headers.Location);
        Assert.True(location.IsAbsoluteUri, location.ToString());
        Assert.Equal("127.0.0.1", location.Host);
        Assert.Equal(fixture.Server.BaseAddress.Port, location.Port);
        Assert.Equal("https", location.Scheme);
        Assert.Contains("/console/signin", location.AbsolutePath, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("evil.example", HttpStatusCode.BadRequest)]
    [InlineData("localhost", HttpStatusCode.OK)]
    [InlineData("127.0.0.1", HttpStatusCode.OK)]
    public async Task A_Host_outside_AllowedHosts_gets_400(string host, HttpStatusCode expected)
    {
        using var http = fixture.Server.CreateHttpClient(siteKey: null);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/health");
        request.Headers.Host = $"{host}:{fixture.Server.BaseAddress.Port}";
        request.Headers.Add("X-Forwarded-For", "10.78.2.1");

        using var response = await http.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
    }

    private HttpClient Client(string ip)
    {
        var http = fixture.Server.CreateHttpClient();
        http.DefaultRequestHeaders.Add("X-Forwarded-For", ip);
        return http;
    }
}

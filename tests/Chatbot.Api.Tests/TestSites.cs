using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Chatbot.Api.Tests;

/// <summary>A partner site as the admin API returns it on creation (with its secret).</summary>
public sealed record CreatedSite(string PublicKey, string Name, IReadOnlyList<string> Origins, bool Enabled, string? IdentitySecret);

/// <summary>Partner sites made through the real admin API, and identity hashes as a partner's server computes them.</summary>
public static class TestSites
{
    public static async Task<CreatedSite> CreateAsync(ChatServer server, params string[] origins)
    {
        using var admin = server.CreateAdminClient();
        using var response = await admin.PostAsJsonAsync("/api/admin/sites", new { name = "테스트 파트너", origins });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<CreatedSite>(JsonSerializerOptions.Web))!;
    }

    /// <summary>hex(HMAC-SHA256(key: secret, message: user id)), what a partner's server hands the widget.</summary>
    public static string IdentityHash(string secret, string userId) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(userId)));

    public static HttpClient CreateUserClient(ChatServer server, CreatedSite site, string userId, string? hash = null)
    {
        var http = server.CreateHttpClient(site.PublicKey);
        http.DefaultRequestHeaders.Add("X-User-Id", userId);
        http.DefaultRequestHeaders.Add("X-User-Hash", hash ?? IdentityHash(site.IdentitySecret!, userId));
        return http;
    }
}

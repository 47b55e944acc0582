using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Chatbot.Data;
using Microsoft.EntityFrameworkCore;

namespace Dongyang.Chat.Client.Tests;

/// <summary>One real Chatbot.Api process (SQLite default) shared by the client tests; each test has its own conversations.</summary>
public sealed class SharedServer : IAsyncLifetime
{
    private static readonly string[] PartnerOrigins = ["https://partner.example"];

    public ChatServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await ChatServer.StartAsync();

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Directory.Delete(Server.DataDirectory, recursive: true);
    }

    /// <summary>hex(HMAC-SHA256(key: secret, message: user id)), as a partner's server computes it.</summary>
    public static string IdentityHash(string secret, string userId) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(userId)));

    /// <summary>
    /// What the server stores for a partner's customer id: its keyed hash, hex(HMAC-SHA256(key, site key + '\n' + id)),
    /// with the key the server generated in its data folder.
    /// </summary>
    public string StoredUserId(string siteKey, string userId) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(
            Convert.FromBase64String(File.ReadAllText(Path.Combine(Server.DataDirectory, "user-id.key"))),
            Encoding.UTF8.GetBytes($"{siteKey}\n{userId}")));

    /// <summary>A new partner site through the real admin API: its public key and its identity secret (shown once).</summary>
    public async Task<(string SiteKey, string Secret)> CreateSiteAsync()
    {
        using var admin = Server.CreateAdminClient();
        using var response = await admin.PostAsJsonAsync("/api/admin/sites", new { name = "SDK 테스트 파트너", origins = PartnerOrigins });
        response.EnsureSuccessStatusCode();
        using var site = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (site.RootElement.GetProperty("publicKey").GetString()!, site.RootElement.GetProperty("identitySecret").GetString()!);
    }

    /// <summary>The server's own database, read as an operator would.</summary>
    public SqliteChatDbContext OpenDatabase() =>
        new(new DbContextOptionsBuilder<SqliteChatDbContext>()
            .UseSqlite($"Data Source={Path.Combine(Server.DataDirectory, "chatbot.db")};Pooling=False")
            .Options);
}

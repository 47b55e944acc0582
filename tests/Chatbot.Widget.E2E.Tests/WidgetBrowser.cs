using Chatbot.Testing;
using Microsoft.Playwright;

namespace Chatbot.Widget.E2E.Tests;

/// <summary>
/// One real Chatbot.Api process serving samples/site, behind a loopback relay the tests can cut, and one Debian
/// Chromium driven by Playwright, shared by every browser test.
/// </summary>
public sealed class WidgetBrowser : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",

        // Partner pages on other origins are made up by routing inside the browser while the chat server listens on
        // loopback; Chromium would refuse such a "public" page's requests to loopback. In production both are public.
        "--disable-features=BlockInsecurePrivateNetworkRequests,PrivateNetworkAccessSendPreflights,LocalNetworkAccessChecks",
    ];

    private IPlaywright? playwright;

    public ChatServer Server { get; private set; } = null!;

    public TcpRelay Relay { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>
    /// The identity secret of the seeded key the sample pages use. The seed's secret is never shown, so it is rotated
    /// once at start through the admin API, as an operator would (<c>chatbot sites rotate pk_local_dev</c>).
    /// </summary>
    public string LocalSiteSecret { get; private set; } = null!;

    /// <summary>The partner site as the browser sees it: through the relay.</summary>
    public Uri Site => Relay.BaseAddress;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"Chromium is missing at {ChromiumPath}: install the Debian package 'chromium' (apt-get install -y chromium).");
        }

        Server = await ChatServer.StartAsync();
        Relay = new TcpRelay(Server.BaseAddress);
        using (var admin = Server.CreateAdminClient())
        {
            using var rotated = await admin.PostAsync(new Uri($"/api/admin/sites/{ChatServer.LocalSiteKey}/rotate", UriKind.Relative), null);
            rotated.EnsureSuccessStatusCode();
            using var site = System.Text.Json.JsonDocument.Parse(await rotated.Content.ReadAsStringAsync());
            LocalSiteSecret = site.RootElement.GetProperty("identitySecret").GetString()!;
        }

        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        playwright?.Dispose();
        await Relay.DisposeAsync();
        await Server.DisposeAsync();
        Directory.Delete(Server.DataDirectory, recursive: true);
    }

    public Task<IBrowserContext> NewContextAsync(int width = 1280, int height = 800) =>
        Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = "ko-KR",
        });
}

[CollectionDefinition(Name)]
public sealed class WidgetBrowserGroup : ICollectionFixture<WidgetBrowser>
{
    public const string Name = "widget browser";
}

using System.Globalization;
using System.IO.Compression;
using System.Text;
using Chatbot.Testing;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Chatbot.Widget.E2E.Tests;

/// <summary>
/// What the widget costs a partner page, measured in Chromium. Prints a report (run with
/// <c>dotnet test tests/Chatbot.Widget.E2E.Tests --filter SizeReport --logger "console;verbosity=detailed"</c>)
/// and holds the loader to its budget of 8 KB brotli.
/// </summary>
[Collection(WidgetBrowserGroup.Name)]
public sealed class SizeReport(WidgetBrowser browser, ITestOutputHelper output)
{
    private const int LoaderBrotliBudget = 8 * 1024;

    /// <summary>Cold opens timed for click-to-input, each in a fresh browser context (empty cache).</summary>
    private const int ColdOpens = 3;

    /// <summary>Which build of the server is measured: the size report's Release publish, or the Debug build output.</summary>
    private static string ServedFrom =>
        Environment.GetEnvironmentVariable("CHATBOT_API_PUBLISHED") is { Length: > 0 } ? "Release publish" : "build output, as 'dotnet run' serves it";

    [Fact]
    public async Task Loader_bytes_and_bytes_fetched_before_and_after_the_first_open()
    {
        var loader = await File.ReadAllBytesAsync(Path.Combine(RepositoryPaths.Root, "server", "Chatbot.Api", "wwwroot", "widget", "dongyang-chat.js"));
        var gzip = Compress(loader, s => new GZipStream(s, CompressionLevel.SmallestSize, leaveOpen: true));
        var brotli = Compress(loader, s => new BrotliStream(s, CompressionLevel.SmallestSize, leaveOpen: true));

        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var transfers = new Transfers();
        var cdp = await context.NewCDPSessionAsync(page);
        await cdp.SendAsync("Network.enable");
        cdp.Event("Network.responseReceived").OnEvent += (_, e) => transfers.Name(e!.Value);
        cdp.Event("Network.loadingFinished").OnEvent += (_, e) => transfers.Finish(e!.Value);
        var widget = new WidgetPage(page);

        await page.GotoAsync(browser.Site.ToString());
        await Assertions.Expect(widget.Launcher).ToBeVisibleAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var before = transfers.Snapshot();
        await widget.OpenAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await Task.Delay(500);
        var after = transfers.Snapshot();
        var opens = await ColdOpensAsync(ColdOpens);

        var report = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"Dongyang Chat widget size report (Chromium, fresh profile, no cache; server {ServedFrom})")
            .AppendLine(CultureInfo.InvariantCulture, $"  loader dongyang-chat.js  raw {loader.Length,7:N0} B   gzip {gzip,6:N0} B   brotli {brotli,6:N0} B   (budget {LoaderBrotliBudget:N0} B brotli)")
            .AppendLine(CultureInfo.InvariantCulture, $"  before first open        {before.Requests,3} requests  {before.Bytes,10:N0} B transferred  (of which widget {before.WidgetBytes:N0} B)")
            .AppendLine(CultureInfo.InvariantCulture, $"  after first open         {after.Requests,3} requests  {after.Bytes,10:N0} B transferred  (chat app +{after.Bytes - before.Bytes:N0} B)")
            .AppendLine(CultureInfo.InvariantCulture, $"  click to input           median {Median(opens),6:N0} ms of {opens.Count} cold opens ({string.Join(", ", opens.Select(o => o.ToString("N0", CultureInfo.InvariantCulture)))} ms)")
            .AppendLine("  largest transfers after open:");
        foreach (var (url, bytes) in after.Largest.Take(8))
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"    {bytes,10:N0} B  {url}");
        }

        output.WriteLine(report.ToString());
        Console.WriteLine(report.ToString());
        var screenshots = Environment.GetEnvironmentVariable("DONGYANG_SCREENSHOTS");
        if (!string.IsNullOrEmpty(screenshots))
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "widget-open.png") });
        }

        Assert.True(brotli <= LoaderBrotliBudget, $"The loader is {brotli} B brotli, over the {LoaderBrotliBudget} B budget.");
        Assert.DoesNotContain(before.Urls, u => u.Contains("/widget/app/", StringComparison.Ordinal));
    }

    /// <summary>Milliseconds from the click on the launcher to the chat input being visible, per cold open.</summary>
    private async Task<List<long>> ColdOpensAsync(int count)
    {
        var times = new List<long>();
        for (var i = 0; i < count; i++)
        {
            await using var context = await browser.NewContextAsync();
            var widget = new WidgetPage(await context.NewPageAsync());
            await widget.Page.GotoAsync(browser.Site.ToString());
            await Assertions.Expect(widget.Launcher).ToBeVisibleAsync();
            await widget.Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            await widget.OpenAsync();
            times.Add(clock.ElapsedMilliseconds);
        }

        return times;
    }

    private static long Median(List<long> values) => values.Order().ElementAt(values.Count / 2);

    private static long Compress(byte[] data, Func<Stream, Stream> compressor)
    {
        using var buffer = new MemoryStream();
        using (var stream = compressor(buffer))
        {
            stream.Write(data);
        }

        return buffer.Length;
    }

    private sealed class Transfers
    {
        private readonly Lock gate = new();
        private readonly Dictionary<string, string> urls = [];
        private readonly List<(string Url, long Bytes)> finished = [];

        public void Name(System.Text.Json.JsonElement e)
        {
            lock (gate)
            {
                urls[e.GetProperty("requestId").GetString()!] = e.GetProperty("response").GetProperty("url").GetString()!;
            }
        }

        public void Finish(System.Text.Json.JsonElement e)
        {
            lock (gate)
            {
                var id = e.GetProperty("requestId").GetString()!;
                finished.Add((urls.GetValueOrDefault(id, id), (long)e.GetProperty("encodedDataLength").GetDouble()));
            }
        }

        public Snapshot Snapshot()
        {
            lock (gate)
            {
                var all = finished.ToList();
                return new Snapshot(
                    all.Count,
                    all.Sum(f => f.Bytes),
                    all.Where(f => f.Url.Contains("/widget/", StringComparison.Ordinal)).Sum(f => f.Bytes),
                    [.. all.Select(f => f.Url)],
                    [.. all.OrderByDescending(f => f.Bytes)]);
            }
        }
    }

    private sealed record Snapshot(int Requests, long Bytes, long WidgetBytes, IReadOnlyList<string> Urls, IReadOnlyList<(string Url, long Bytes)> Largest);
}

using System.Net.Http.Json;
using System.Text.Json;
using Chatbot.Widget.E2E.Tests;
using Dongyang.Chat.Protocol;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Dongyang.Chat.Client.Tests;

/// <summary>
/// The Blazor samples built against the packed packages (<see cref="PackedSdk.BuildSampleAsync"/>), run as their
/// README says, against the real chat server, and used by customers in Debian's Chromium.
/// </summary>
[Collection(PackedSdkGroup.Name)]
public sealed class SampleAppTests(PackedSdk sdk, WidgetBrowser browser, SampleHosts hosts) : IClassFixture<WidgetBrowser>, IClassFixture<SampleHosts>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private static readonly string[] SectionEnds = ["\n\n**", "\n#"];

    [Fact]
    public async Task Blazor_Server_sample_gives_each_customer_their_own_conversation_and_counsellor_replies()
    {
        var app = await hosts.BlazorServerAsync(sdk, browser.Server);
        await using var contextA = await browser.NewContextAsync();
        await using var contextB = await browser.NewContextAsync();
        var customerA = await OpenChatAsync(contextA, app.BaseAddress);
        var customerB = await OpenChatAsync(contextB, app.BaseAddress);
        const string questionA = "보험금 청구할 때 필요한 서류는 뭐예요?";
        const string questionB = "해지환급금은 어떻게 계산되나요?";

        // Both customers ask at once, on one server process.
        await Task.WhenAll(AskAsync(customerA, questionA), AskAsync(customerB, questionB));
        await Task.WhenAll(WaitForAnswersAsync(customerA, 1), WaitForAnswersAsync(customerB, 1));

        await Expect(customerA.Locator(".dc-user .dc-bubble")).ToHaveTextAsync([questionA]);
        await Expect(customerB.Locator(".dc-user .dc-bubble")).ToHaveTextAsync([questionB]);
        var conversationA = await ConversationIdAsync(customerA);
        var conversationB = await ConversationIdAsync(customerB);
        Assert.NotEqual(conversationA, conversationB);

        // The server stored each question, and its one answer, in that customer's conversation only.
        var storedA = await HistoryAsync(conversationA);
        var storedB = await HistoryAsync(conversationB);
        Assert.Equal([(MessageRoles.User, questionA), (MessageRoles.Assistant, "answer")], storedA.Messages.Select(Shape));
        Assert.Equal([(MessageRoles.User, questionB), (MessageRoles.Assistant, "answer")], storedB.Messages.Select(Shape));

        // A counsellor answers customer A: it shows on A's page. Then one answers B: B sees exactly that reply. Had
        // B's circuit also watched A's conversation, A's reply, pushed first, would have reached B's page first.
        const string replyA = "상담원입니다. 청구 서류를 안내해 드릴게요 (A).";
        const string replyB = "상담원입니다. 해지환급금을 안내해 드릴게요 (B).";
        await PostCounsellorReplyAsync(conversationA, replyA);
        await Expect(customerA.Locator(".dc-counsellor .dc-bubble")).ToHaveTextAsync([replyA], new() { Timeout = (float)Patience.TotalMilliseconds });
        await PostCounsellorReplyAsync(conversationB, replyB);
        await Expect(customerB.Locator(".dc-counsellor .dc-bubble")).ToHaveTextAsync([replyB], new() { Timeout = (float)Patience.TotalMilliseconds });
        await Expect(customerA.Locator(".dc-counsellor .dc-bubble")).ToHaveTextAsync([replyA]);
        await Expect(customerA.Locator(".dc-user .dc-bubble")).ToHaveTextAsync([questionA]);
    }

    [Fact]
    public async Task Blazor_WebAssembly_sample_on_an_allowed_origin_asks_the_chat_server_across_origins_and_shows_the_answer()
    {
        var app = await hosts.WebAssemblyAsync(sdk, browser.Server);
        await SetOriginsAsync(app.SiteKey, [app.Origin]);
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var toChatServer = new List<IRequest>();
        page.Request += (_, request) =>
        {
            if (request.Url.StartsWith(browser.Server.BaseAddress.ToString(), StringComparison.Ordinal))
            {
                toChatServer.Add(request);
            }
        };
        await page.GotoAsync(app.Server.BaseAddress.ToString());
        await OpenLauncherAsync(page);

        await AskAsync(page, "보험금 청구할 때 필요한 서류는 뭐예요?");
        await WaitForAnswersAsync(page, 1);

        await Expect(page.Locator(".dc-bot[data-status=done] .dc-markdown")).ToContainTextAsync("[1]");
        var conversation = await ConversationIdAsync(page);
        Assert.Equal(MessageRoles.Assistant, (await HistoryAsync(conversation, app.SiteKey)).Messages[^1].Role);

        // The app called the chat server itself, from its own origin (CORS), not through a server of its own.
        Assert.Contains(toChatServer, r => r.Url.Contains(ChatEndpoints.HubPath + "/negotiate", StringComparison.Ordinal));
        foreach (var request in toChatServer.Where(r => r.Method == "POST" || r.Url.Contains(ChatEndpoints.WidgetConfigurationPath, StringComparison.Ordinal)))
        {
            Assert.Equal(app.Origin, await request.HeaderValueAsync("origin"));
        }
    }

    [Fact]
    public async Task Blazor_WebAssembly_sample_on_an_origin_its_key_does_not_allow_says_so_instead_of_connecting_forever()
    {
        var app = await hosts.WebAssemblyAsync(sdk, browser.Server);
        await SetOriginsAsync(app.SiteKey, ["https://partner.example"]);
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var warning = page.WaitForConsoleMessageAsync(new()
        {
            Predicate = m => m.Type == "warning" && m.Text.Contains(ChatErrorCodes.OriginNotAllowed, StringComparison.Ordinal),
            Timeout = (float)Patience.TotalMilliseconds,
        });
        await page.GotoAsync(app.Server.BaseAddress.ToString());
        await OpenLauncherAsync(page);

        // The customer is told the chat cannot start here (not "연결 중…"), and the developer is told the fix.
        await Expect(page.Locator(".dc-status")).ToHaveAttributeAsync("data-state", "refused", new() { Timeout = (float)Patience.TotalMilliseconds });
        await Expect(page.Locator(".dc-status")).ToContainTextAsync("허용되어 있지 않아");
        var message = await warning;
        Assert.Contains(app.Origin, message.Text, StringComparison.Ordinal);
        Assert.Contains($"/api/admin/sites/{app.SiteKey}/origins", message.Text, StringComparison.Ordinal);
    }

    /// <summary>README's Blazor Server snippet is the sample's code, line by line in order (Program.cs, then Home.razor).</summary>
    [Fact]
    public async Task READMEs_Blazor_Server_snippet_is_the_code_of_the_sample()
    {
        var sample = Path.Combine(RepositoryPaths.Root, "samples", "Chatbot.Samples.Blazor");
        await AssertSnippetIsCodeAsync(
            "**Several customers in one Blazor Server app**",
            [Path.Combine(sample, "Program.cs"), Path.Combine(sample, "Components", "Home.razor")]);
    }

    /// <summary>README's Blazor WebAssembly snippet is the sample's code, line by line in order.</summary>
    [Fact]
    public async Task READMEs_Blazor_WebAssembly_snippet_is_the_code_of_the_sample()
    {
        var sample = Path.Combine(RepositoryPaths.Root, "samples", "Chatbot.Samples.BlazorWasm");
        await AssertSnippetIsCodeAsync(
            "**A Blazor WebAssembly app**",
            [Path.Combine(sample, "wwwroot", "appsettings.json"), Path.Combine(sample, "Program.cs"), Path.Combine(sample, "App.razor")]);
    }

    private static async Task AssertSnippetIsCodeAsync(string heading, string[] files)
    {
        var readme = (await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "README.md"))).ReplaceLineEndings("\n");
        var section = readme.IndexOf(heading, StringComparison.Ordinal);
        Assert.True(section >= 0, $"README should have '{heading}'");
        var snippet = new List<string>();
        // The section runs to the next bold lead-in or heading.
        var end = SectionEnds
            .Select(next => readme.IndexOf(next, section + heading.Length, StringComparison.Ordinal))
            .Where(at => at >= 0)
            .DefaultIfEmpty(readme.Length)
            .Min();
        for (var at = readme.IndexOf("```", section, StringComparison.Ordinal); at >= 0 && at < end; )
        {
            var start = readme.IndexOf('\n', at) + 1;
            var close = readme.IndexOf("```", start, StringComparison.Ordinal);
            if (!readme[at..start].Contains("bash", StringComparison.Ordinal))
            {
                snippet.AddRange(readme[start..close].Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            }

            at = readme.IndexOf("```", close + 3, StringComparison.Ordinal);
        }

        var code = new List<string>();
        foreach (var file in files)
        {
            code.AddRange((await File.ReadAllLinesAsync(file)).Select(l => l.Trim()));
        }

        Assert.True(snippet.Count >= 5, $"the snippet under '{heading}' shows the sample's code");
        var position = 0;
        foreach (var line in snippet)
        {
            position = code.IndexOf(line, position);
            Assert.True(position >= 0, $"README's line '{line}' is not in the sample (after the lines before it)");
            position++;
        }
    }

    private static async Task<IPage> OpenChatAsync(IBrowserContext context, Uri app)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(app.ToString());
        await OpenLauncherAsync(page);
        return page;
    }

    /// <summary>The launcher appears once the app is interactive (the circuit is up, or the WebAssembly app runs).</summary>
    private static async Task OpenLauncherAsync(IPage page)
    {
        await page.Locator(".dc-launcher").ClickAsync(new() { Timeout = (float)Patience.TotalMilliseconds });
        await Expect(page.Locator(".dc-input")).ToBeVisibleAsync(new() { Timeout = (float)Patience.TotalMilliseconds });
    }

    private static async Task AskAsync(IPage page, string question)
    {
        await page.Locator(".dc-input").FillAsync(question);
        await page.Locator(".dc-input").PressAsync("Enter");
    }

    private static Task WaitForAnswersAsync(IPage page, int count) =>
        Expect(page.Locator(".dc-bot[data-status=done] [data-action=helpful]")).ToHaveCountAsync(count, new() { Timeout = (float)Patience.TotalMilliseconds });

    private static async Task<Guid> ConversationIdAsync(IPage page)
    {
        var shown = page.Locator("[data-conversation-id]");
        await Expect(shown).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[0-9a-f-]{36}$"));
        return Guid.Parse(await shown.InnerTextAsync());
    }

    private static (string Role, string Content) Shape(ChatMessage message) =>
        (message.Role, message.Role == MessageRoles.Assistant ? "answer" : message.Content);

    private async Task<ConversationHistory> HistoryAsync(Guid conversationId, string siteKey = ChatServer.LocalSiteKey)
    {
        await using var reader = new DongyangChatClient(new DongyangChatOptions
        {
            ServerUrl = browser.Server.BaseAddress,
            SiteKey = siteKey,
            ConversationId = conversationId,
        });
        return await reader.GetHistoryAsync() ?? throw new Xunit.Sdk.XunitException($"conversation {conversationId} is not stored");
    }

    private async Task PostCounsellorReplyAsync(Guid conversationId, string text)
    {
        using var admin = browser.Server.CreateAdminClient();
        using var response = await admin.PostAsJsonAsync($"/api/admin/conversations/{conversationId}/messages", new { text });
        response.EnsureSuccessStatusCode();
    }

    private async Task SetOriginsAsync(string siteKey, string[] origins)
    {
        using var admin = browser.Server.CreateAdminClient();
        using var response = await admin.PutAsJsonAsync($"/api/admin/sites/{siteKey}/origins", new { origins });
        response.EnsureSuccessStatusCode();
    }
}

/// <summary>The Blazor samples' servers, each started once for <see cref="SampleAppTests"/> and stopped after it.</summary>
public sealed class SampleHosts : IAsyncLifetime
{
    /// <summary>Until a test sets the WebAssembly sample's origins, its key allows only some other site.</summary>
    private static readonly string[] OtherOrigins = ["https://partner.example"];

    private Task<ServerProcess>? blazorServer;
    private Task<WebAssemblySample>? webAssembly;

    /// <summary>samples/Chatbot.Samples.Blazor from its build output, as <c>dotnet run</c> runs it (Development), on the chat server.</summary>
    public Task<ServerProcess> BlazorServerAsync(PackedSdk sdk, ChatServer chat) => blazorServer ??= StartBlazorServerAsync(sdk, chat);

    /// <summary>
    /// samples/Chatbot.Samples.BlazorWasm served as <c>dotnet run</c> serves it (the Blazor dev server from its
    /// package), configured for the chat server and a site key of its own (created without origins; tests set them).
    /// </summary>
    public Task<WebAssemblySample> WebAssemblyAsync(PackedSdk sdk, ChatServer chat) => webAssembly ??= StartWebAssemblyAsync(sdk, chat);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var started in new Task?[] { blazorServer, webAssembly })
        {
            if (started is { IsCompletedSuccessfully: true })
            {
                await (started switch
                {
                    Task<ServerProcess> server => server.Result.DisposeAsync(),
                    Task<WebAssemblySample> wasm => wasm.Result.Server.DisposeAsync(),
                    _ => ValueTask.CompletedTask,
                });
            }
        }
    }

    private static async Task<ServerProcess> StartBlazorServerAsync(PackedSdk sdk, ChatServer chat)
    {
        var project = Path.Combine(await sdk.BuildSampleAsync("Chatbot.Samples.Blazor"), "samples", "Chatbot.Samples.Blazor");
        return await ServerProcess.StartAsync(
            "Chatbot.Samples.Blazor",
            "/",
            new Dictionary<string, string>
            {
                // As `dotnet run`: the component's static files come from the restored package (static web assets).
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["DongyangChat__ServerUrl"] = chat.BaseAddress.ToString(),
                ["DongyangChat__SiteKey"] = ChatServer.LocalSiteKey,
            },
            contentRoot: project,
            outputDirectory: Path.Combine(project, "bin", "Debug", "net10.0"));
    }

    private static async Task<WebAssemblySample> StartWebAssemblyAsync(PackedSdk sdk, ChatServer chat)
    {
        var copy = await sdk.BuildSampleAsync("Chatbot.Samples.BlazorWasm");
        var project = Path.Combine(copy, "samples", "Chatbot.Samples.BlazorWasm");

        // The site the app's key belongs to, and the app's own settings pointing at this chat server.
        using (var admin = chat.CreateAdminClient())
        {
            using var created = await admin.PostAsJsonAsync("/api/admin/sites", new { name = "Blazor WASM 샘플", origins = OtherOrigins });
            created.EnsureSuccessStatusCode();
            using var site = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
            var siteKey = site.RootElement.GetProperty("publicKey").GetString()!;
            await File.WriteAllTextAsync(
                Path.Combine(project, "wwwroot", "appsettings.json"),
                JsonSerializer.Serialize(new { DongyangChat = new { ServerUrl = chat.BaseAddress, SiteKey = siteKey } }));

            // What `dotnet run` starts for a standalone WebAssembly app: the dev server, given the built app.
            var devServer = Assert.Single(Directory.GetDirectories(Path.Combine(PackedSdk.PackageCache(copy), "microsoft.aspnetcore.components.webassembly.devserver")));
            var server = await ServerProcess.StartAsync(
                "blazor-devserver",
                "/",
                new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Development" },
                outputDirectory: Path.Combine(devServer, "tools"),
                arguments: ["--applicationpath", Path.Combine(project, "bin", "Debug", "net10.0", "Chatbot.Samples.BlazorWasm.dll")]);
            return new WebAssemblySample(server, siteKey);
        }
    }
}

/// <summary>The served WebAssembly sample and the site key its settings name.</summary>
public sealed record WebAssemblySample(ServerProcess Server, string SiteKey)
{
    /// <summary>The app's origin, as the browser sends it.</summary>
    public string Origin => Server.BaseAddress.GetLeftPart(UriPartial.Authority);
}

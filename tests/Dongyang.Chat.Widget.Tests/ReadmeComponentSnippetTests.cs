using System.Reflection;
using System.Text.RegularExpressions;
using Chatbot.Testing;
using Dongyang.Chat.Client.Tests;
using Microsoft.AspNetCore.Components;

namespace Dongyang.Chat.Widget.Tests;

/// <summary>
/// README's first <c>&lt;DongyangChat … /&gt;</c> snippet: every attribute it shows is a parameter of the component (a
/// two-way <c>@bind-</c> has its <c>…Changed</c> callback), and the component given those values answers a question
/// and reports the conversation through the binding. The server address and key point at the test server.
/// </summary>
public sealed partial class ReadmeComponentSnippetTests : BunitContext, IClassFixture<SharedServer>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly SharedServer fixture;

    public ReadmeComponentSnippetTests(SharedServer fixture)
    {
        this.fixture = fixture;
        JSInterop.Mode = JSRuntimeMode.Loose;
        DefaultWaitTimeout = Patience;
    }

    [Fact]
    public async Task READMEs_component_snippet_names_real_parameters_and_answers_with_them()
    {
        var readme = (await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "README.md"))).ReplaceLineEndings("\n");
        var snippet = ComponentSnippet().Match(readme);
        Assert.True(snippet.Success, "README's Dongyang.Chat.Widget section should show a ```razor block with <DongyangChat … />");
        var attributes = Attribute().Matches(snippet.Groups[1].Value).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        Assert.Equal(["SiteKey", "ServerUrl", "Lang", "@bind-ConversationId"], attributes.Keys);

        foreach (var name in attributes.Keys)
        {
            var parameter = name.StartsWith("@bind-", StringComparison.Ordinal) ? name["@bind-".Length..] : name;
            Assert.True(IsParameter(parameter), $"README's <DongyangChat {name}=…> names no parameter '{parameter}'");
            if (parameter != name)
            {
                Assert.True(IsParameter(parameter + "Changed"), $"@bind-{parameter} needs a {parameter}Changed parameter");
            }
        }

        Assert.StartsWith("pk_", attributes["SiteKey"], StringComparison.Ordinal);
        Assert.Equal("@(new Uri(\"http://localhost:8080/\"))", attributes["ServerUrl"]);
        Guid? conversationId = null;
        var cut = Render<DongyangChat>(p => p
            .Add(c => c.SiteKey, ChatServer.LocalSiteKey)
            .Add(c => c.ServerUrl, fixture.Server.BaseAddress)
            .Add(c => c.Lang, attributes["Lang"])
            .Add(c => c.ConversationId, conversationId)
            .Add(c => c.ConversationIdChanged, id => conversationId = id)
            .Add(c => c.Embedded, true));

        await cut.InvokeAsync(() => cut.Instance.SendAsync("보험금 청구할 때 필요한 서류는 뭐예요?"));

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll(".dc-bot[data-status=done] .dc-markdown")));
        Assert.Contains("[1]", cut.Find(".dc-bot[data-status=done] .dc-markdown").TextContent, StringComparison.Ordinal);
        Assert.NotNull(conversationId);
        Assert.Equal(cut.Instance.ConversationId, conversationId);
    }

    private static bool IsParameter(string name) =>
        typeof(DongyangChat).GetProperty(name, BindingFlags.Public | BindingFlags.Instance)?.GetCustomAttribute<ParameterAttribute>() is not null;

    [GeneratedRegex(@"\*\*Dongyang\.Chat\.Widget\*\*.*?```razor\n(<DongyangChat [^\n]*/>)\n```", RegexOptions.Singleline)]
    private static partial Regex ComponentSnippet();

    /// <summary>name="value", where a Razor expression value <c>@(…)</c> may hold quotes of its own.</summary>
    [GeneratedRegex(@"(@?[\w-]+)=""(@\(.*?\)(?="")|[^""]*)""")]
    private static partial Regex Attribute();
}

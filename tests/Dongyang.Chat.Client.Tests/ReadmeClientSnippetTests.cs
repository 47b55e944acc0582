using System.Text.RegularExpressions;
using Dongyang.Chat.Protocol;

namespace Dongyang.Chat.Client.Tests;

/// <summary>README's first .NET client snippet, with the options it shows, against the real server.</summary>
public sealed partial class ReadmeClientSnippetTests(SharedServer fixture) : IClassFixture<SharedServer>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task READMEs_first_client_snippet_sends_the_site_key_the_server_needs_and_gets_an_answer()
    {
        var readme = (await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "README.md"))).ReplaceLineEndings("\n");
        var section = readme.IndexOf("**Dongyang.Chat.Client**", StringComparison.Ordinal);
        Assert.True(section >= 0, "README's .NET section should show the client");
        var start = readme.IndexOf("```csharp\n", section, StringComparison.Ordinal) + "```csharp\n".Length;
        var snippet = readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)];
        var options = Options().Match(snippet);
        Assert.True(options.Success, "README's client snippet should create the client with new DongyangChatOptions { … }");

        // Without a key the server refuses the connection, so a snippet that leaves it out cannot work as written.
        await using (var keyless = new DongyangChatClient(new DongyangChatOptions { ServerUrl = fixture.Server.BaseAddress }))
        {
            var refused = await Assert.ThrowsAsync<DongyangChatAccessDeniedException>(() => keyless.AskForAnswerAsync("보험료를 못 내면 어떻게 되나요?").WaitAsync(Patience));
            Assert.Equal(ChatErrorCodes.SiteKeyMissing, refused.Code);
        }

        var siteKey = SiteKey().Match(options.Value);
        Assert.True(siteKey.Success, $"README's client snippet sends no SiteKey: {options.Value}");
        Assert.Equal("http://localhost:8080/", ServerUrl().Match(options.Value).Groups[1].Value);

        // The snippet's options, pointed at the test server instead of :8080.
        await using var chat = new DongyangChatClient(new DongyangChatOptions { ServerUrl = fixture.Server.BaseAddress, SiteKey = siteKey.Groups[1].Value });
        var answer = await chat.AskForAnswerAsync("보험료를 못 내면 어떻게 되나요?").WaitAsync(Patience);
        Assert.False(string.IsNullOrWhiteSpace(answer.Text));
    }

    [GeneratedRegex(@"new DongyangChatOptions \{[^}]*\}")]
    private static partial Regex Options();

    [GeneratedRegex(@"SiteKey = ""([^""]+)""")]
    private static partial Regex SiteKey();

    [GeneratedRegex(@"ServerUrl = new Uri\(""([^""]+)""\)")]
    private static partial Regex ServerUrl();
}

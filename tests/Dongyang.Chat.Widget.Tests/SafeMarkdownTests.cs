namespace Dongyang.Chat.Widget.Tests;

/// <summary>Answer text is Markdown from a model and documents: it must never run script or open a dangerous link.</summary>
public sealed class SafeMarkdownTests
{
    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("안내 <img src=x onerror=alert(1)> 입니다")]
    [InlineData("<iframe src=\"https://evil.example\"></iframe>")]
    public void Raw_html_is_shown_as_text_never_as_markup(string markdown)
    {
        var html = SafeMarkdown.ToHtml(markdown);

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<iframe", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[청구서](javascript:alert(1))")]
    [InlineData("[청구서](JAVASCRIPT:alert(1))")]
    [InlineData("[청구서](java\tscript:alert(1))")]
    [InlineData("[청구서](data:text/html;base64,PHNjcmlwdD4=)")]
    [InlineData("[청구서](vbscript:msgbox)")]
    [InlineData("![청구서](javascript:alert(1))")]
    public void Unsafe_links_lose_their_target(string markdown)
    {
        var html = SafeMarkdown.ToHtml(markdown);

        Assert.DoesNotContain("href=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("src=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("청구서", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[청구서](javascript:alert(1)) 를 내려받으세요", "<p>청구서 를 내려받으세요</p>")]
    [InlineData("[**중요** 안내](javascript:alert(1))", "<p><strong>중요</strong> 안내</p>")]
    [InlineData("![청구서 양식](javascript:alert(1))", "<p>청구서 양식</p>")]
    [InlineData("<javascript:alert(1)>", "<p>javascript:alert(1)</p>")]
    public void A_dropped_link_shows_its_words_once(string markdown, string html) =>
        Assert.Equal(html, SafeMarkdown.ToHtml(markdown).Trim());

    [Theory]
    [InlineData("[고객센터](https://www.example.com/help)", "https://www.example.com/help")]
    [InlineData("자세한 내용은 https://www.example.com/claims 를 보세요", "https://www.example.com/claims")]
    public void Safe_links_open_in_a_new_tab_without_opener(string markdown, string url)
    {
        var html = SafeMarkdown.ToHtml(markdown);

        Assert.Contains($"href=\"{url}\"", html, StringComparison.Ordinal);
        Assert.Contains("target=\"_blank\"", html, StringComparison.Ordinal);
        Assert.Contains("rel=\"noopener noreferrer\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Markdown_formatting_and_citation_markers_render()
    {
        var html = SafeMarkdown.ToHtml("**보험금 청구서**가 필요합니다 [1].\n\n- 신분증\n- 진단서");

        Assert.Contains("<strong>보험금 청구서</strong>", html, StringComparison.Ordinal);
        Assert.Contains("[1]", html, StringComparison.Ordinal);
        Assert.Contains("<li>신분증</li>", html, StringComparison.Ordinal);
    }
}

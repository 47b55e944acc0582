using Chatbot.Api.Sites;
using Dongyang.Chat.Protocol;

namespace Chatbot.Api.PartnerSite;

/// <summary>
/// The chat app's Content-Security-Policy. Blazor WebAssembly needs 'wasm-unsafe-eval' and nothing inline. Who may
/// frame it follows the site key in the frame's address: the chat server's own pages, and the origins that key allows.
/// </summary>
/// <remarks>
/// The frame talks to the API from the chat server's own origin, so the API's Origin check cannot see the partner page;
/// frame-ancestors is where the browser enforces a key's origins for the widget. A page on any other origin gets a
/// frame the browser refuses to show, so a key copied onto another site does not work there.
/// </remarks>
internal static class WidgetFramePolicy
{
    private const string Policy =
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; " +
        "connect-src 'self'; base-uri 'self'; form-action 'none'; object-src 'none'; frame-ancestors 'self'";

    public static async ValueTask<string> ForAsync(HttpContext http, CancellationToken cancellationToken)
    {
        if (http.Request.Query[ChatEndpoints.SiteKeyQueryParameter] is not [{ Length: > 0 } siteKey])
        {
            return Policy;
        }

        SiteSnapshot? site;
        try
        {
            site = await http.RequestServices.GetRequiredService<SiteRegistry>().FindAsync(siteKey, cancellationToken);
        }
        catch (Exception e) when (Resilience.DatabaseUnavailableHandler.IsUnavailable(e))
        {
            // Fail closed: the chat server's own pages can still frame the app, partner pages wait for the database.
            return Policy;
        }

        return site is { Enabled: true, Origins.Count: > 0 }
            ? $"{Policy} {string.Join(' ', site.Origins.Order(StringComparer.Ordinal))}"
            : Policy;
    }
}

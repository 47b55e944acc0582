using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace Dongyang.Chat.Widget;

/// <summary>
/// The browser side of the message list (wwwroot/conversation-view.js): following the newest message, the
/// "new message" button, and clicks on citation markers, which live inside rendered Markdown where Blazor cannot
/// attach handlers. Attached again whenever the list is rendered anew (the floating panel closes and opens).
/// </summary>
internal sealed class ConversationView(IJSRuntime js, string contentPath) : IAsyncDisposable
{
    /// <summary>Where a Razor class library's files are served, relative to the app's base address, by default.</summary>
    public const string DefaultContentPath = "./_content/Dongyang.Chat.Widget/";
    private IJSObjectReference? module;
    private IJSObjectReference? follower;
    private ElementReference attachedTo;
    private bool attaching;
    private bool unavailable;

    public async Task AttachAsync(ElementReference messages, ElementReference jumpButton, DotNetObjectReference<DongyangChat> component)
    {
        if (attaching || unavailable || (follower is not null && attachedTo.Id == messages.Id))
        {
            return;
        }

        attaching = true;
        try
        {
            module ??= await js.InvokeAsync<IJSObjectReference>("import", contentPath.TrimEnd('/') + "/conversation-view.js");
            if (module is null)
            {
                return; // A renderer without a browser (tests, prerendering).
            }

            await DetachAsync();
            follower = await module.InvokeAsync<IJSObjectReference>("follow", messages, jumpButton, component);
            attachedTo = messages;
        }
        catch (Exception e) when (e is JSException or JSDisconnectedException or InvalidOperationException or TaskCanceledException)
        {
            // The conversation still works without following; the customer scrolls by hand. Asking again on every
            // render would only repeat the failure.
            unavailable = true;
        }
        finally
        {
            attaching = false;
        }
    }

    /// <summary>A warning for the developer in the browser console (the customer sees the friendly text instead).</summary>
    public async Task WarnAsync(string message)
    {
        try
        {
            await js.InvokeVoidAsync("console.warn", message);
        }
        catch (Exception e) when (e is JSException or JSDisconnectedException or InvalidOperationException or TaskCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await DetachAsync();
            if (module is not null)
            {
                await module.DisposeAsync();
            }
        }
        catch (JSDisconnectedException)
        {
            // The circuit is gone, and the browser objects with it.
        }
    }

    private async Task DetachAsync()
    {
        if (follower is not null)
        {
            var previous = follower;
            follower = null;
            await previous.InvokeVoidAsync("dispose");
            await previous.DisposeAsync();
        }
    }
}

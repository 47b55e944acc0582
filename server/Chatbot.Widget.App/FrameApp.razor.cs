using Dongyang.Chat.Widget;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace Chatbot.Widget.App;

/// <summary>
/// The root of the iframe app: reads the loader's settings from the query string, keeps the conversation id per site
/// key in this origin's storage, and relays open/close/send/reset and events to the host page through frame.js.
/// </summary>
public sealed partial class FrameApp
{
    private IJSObjectReference? frame;
    private DotNetObjectReference<FrameApp>? self;
    private FrameSettings? settings;
    private DongyangChat? chat;
    private Guid? conversationId;
    private bool offline;
    private bool initialized;
    private bool announced;

    [Inject]
    private NavigationManager Navigation { get; set; } = null!;

    [Inject]
    private IJSRuntime JS { get; set; } = null!;

    /// <summary>A message from the host page, already origin-checked by frame.js.</summary>
    [JSInvokable]
    public async Task OnHostMessageAsync(string type, string? text)
    {
        if (chat is null)
        {
            return;
        }

        switch (type)
        {
            case "open":
                await chat.FocusInputAsync();
                break;
            case "send" when !string.IsNullOrWhiteSpace(text):
                await chat.SendAsync(text);
                break;
            case "reset":
                await chat.NewConversationAsync();
                break;
        }
    }

    /// <summary>The browser's online state changed.</summary>
    [JSInvokable]
    public void OnOnline(bool online)
    {
        offline = !online;
        StateHasChanged();
    }

    public async ValueTask DisposeAsync()
    {
        if (frame is not null)
        {
            await frame.DisposeAsync();
        }

        self?.Dispose();
    }

    protected override async Task OnInitializedAsync()
    {
        settings = FrameSettings.FromUri(new Uri(Navigation.Uri), new Uri(Navigation.BaseUri));
        frame = await JS.InvokeAsync<IJSObjectReference>("import", "./frame.js");
        var stored = await frame.InvokeAsync<string?>("load", settings.StorageKey);
        conversationId = Guid.TryParse(stored, out var id) ? id : null;
        self = DotNetObjectReference.Create(this);
        offline = !await frame.InvokeAsync<bool>("init", self, settings.HostOrigin, settings.InstanceId, settings.PrimaryColor);
        initialized = true;
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        // Ready once the chat is on screen, so the host's queued calls find it.
        if (!announced && initialized && chat is not null && frame is not null)
        {
            announced = true;
            await frame.InvokeVoidAsync("post", "ready", null);
        }
    }

    private async Task SaveConversationAsync(Guid? id)
    {
        conversationId = id;
        if (frame is not null && settings is not null)
        {
            await frame.InvokeVoidAsync("save", settings.StorageKey, id?.ToString());
        }
    }

    private async Task OnOpenChangedAsync(bool open)
    {
        if (!open && frame is not null)
        {
            await frame.InvokeVoidAsync("post", "close", null);
        }
    }

    // The host page learns that an answer arrived, never what it says nor the conversation's id (which would let it
    // fetch the history): the conversation stays inside the frame.
    private async Task OnAnswerAsync(string answer)
    {
        if (frame is not null)
        {
            await frame.InvokeVoidAsync("post", "message", new { role = "assistant" });
        }
    }

    private async Task OnErrorAsync(string message)
    {
        if (frame is not null)
        {
            await frame.InvokeVoidAsync("post", "error", new { message });
        }
    }
}

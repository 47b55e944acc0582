using System.Text.Json;
using Dongyang.Chat.Client;
using Dongyang.Chat.Protocol;
using Dongyang.Chat.Widget;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace Chatbot.Widget.App;

/// <summary>
/// The root of the iframe app: reads the loader's settings from the query string, keeps the conversation id per site
/// key in this origin's storage, and relays open/close/send/reset/user/context and events to the host page through frame.js.
/// </summary>
public sealed partial class FrameApp
{
    private IJSObjectReference? frame;
    private DotNetObjectReference<FrameApp>? self;
    private FrameSettings? settings;
    private DongyangChat? chat;
    private Guid? conversationId;
    private DongyangChatUser? user;
    private IReadOnlyDictionary<string, string>? pageContext;
    private bool offline;
    private bool initialized;
    private bool announced;
    private bool userReceived;

    // Host messages that arrive before the chat is on screen (after the identity the host set before loading).
    private readonly Queue<(string Type, string? Text)> pending = new();

    [Inject]
    private NavigationManager Navigation { get; set; } = null!;

    [Inject]
    private IJSRuntime JS { get; set; } = null!;

    /// <summary>A message from the host page, already origin-checked by frame.js.</summary>
    [JSInvokable]
    public async Task OnHostMessageAsync(string type, string? text)
    {
        if (type == "user")
        {
            // The component reconnects as this customer (or anonymously, for an empty id) when the identity changes.
            user = ParseUser(text);
            userReceived = true;
            StateHasChanged();
            return;
        }

        if (type == "context")
        {
            // Kept here and sent with the next question; the loader already refused what breaks the limits.
            pageContext = ParseContext(text) ?? pageContext;
            StateHasChanged();
            return;
        }

        if (chat is null)
        {
            pending.Enqueue((type, text));
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
        // Ready once the chat is on screen, so the host's queued calls find it; when the chat waits for the host's
        // identity, ready asks for it, and what follows it waits here until the chat is on screen.
        if (!announced && initialized && frame is not null && (chat is not null || settings?.AwaitsUser == true))
        {
            announced = true;
            await frame.InvokeVoidAsync("post", "ready", null);
        }

        while (chat is not null && pending.TryDequeue(out var message))
        {
            await OnHostMessageAsync(message.Type, message.Text);
        }
    }

    /// <summary>The loader's <c>{id, name, hash, hashExpires}</c>; an empty id (sign-out) or anything malformed means anonymous.</summary>
    private static DongyangChatUser? ParseUser(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            var id = Read(root, "id");
            var hash = Read(root, "hash");
            return string.IsNullOrWhiteSpace(id) || string.IsNullOrWhiteSpace(hash)
                ? null
                : new DongyangChatUser(id, hash)
                {
                    Name = Read(root, "name") is { Length: > 0 } name ? name[..Math.Min(name.Length, 60)] : null,
                    HashExpiresAt = ReadExpiry(root),
                };
        }
        catch (JsonException)
        {
            return null;
        }

        // Unix seconds the partner signed; anything else is left out, and the server then refuses the hash.
        static DateTimeOffset? ReadExpiry(JsonElement root) =>
            root.ValueKind == JsonValueKind.Object && root.TryGetProperty("hashExpires", out var value) && value.ValueKind == JsonValueKind.Number
                && value.TryGetInt64(out var seconds) && seconds > 0 && seconds < 253_402_300_800
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : null;

        static string? Read(JsonElement root, string property) =>
            root.ValueKind == JsonValueKind.Object && root.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()?.Trim()
                : null;
    }

    /// <summary>The loader's flat <c>{key: text}</c> page context; anything malformed or over the limits is ignored.</summary>
    private static Dictionary<string, string>? ParseContext(string? json)
    {
        try
        {
            var parsed = string.IsNullOrEmpty(json) ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(json);
            return parsed is not null && parsed.Count <= ChatLimits.MaxContextEntries
                && parsed.All(e => e.Key.Length is > 0 and <= ChatLimits.MaxContextKeyLength && e.Value is { Length: <= ChatLimits.MaxContextValueLength })
                ? parsed
                : null;
        }
        catch (JsonException)
        {
            return null;
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

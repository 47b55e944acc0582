using System.Globalization;
using Dongyang.Chat.Client;
using Dongyang.Chat.Protocol;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.JSInterop;

namespace Dongyang.Chat.Widget;

/// <summary>
/// The parts of the component that keep the conversation readable: following the newest message, opening cited
/// sections, the server's verdict on this page's key (with the counsellor line), and what history brings back.
/// </summary>
public sealed partial class DongyangChat
{
    private ConversationView? view;
    private DotNetObjectReference<DongyangChat>? self;
    private ElementReference jumpButton;
    private ElementReference sourceTitle;
    private ChatServerResources? resources;
    private CounsellorContact? counsellor;
    private bool unreachable;
    private OpenedSource? openSource;
    private bool focusSource;

    [Inject]
    private IJSRuntime JS { get; set; } = null!;

    /// <summary>
    /// Where this library's static files (<c>conversation-view.js</c>) are served: <c>_content/Dongyang.Chat.Widget/</c>
    /// under the app's base address unless the app moves its static web assets (<c>StaticWebAssetBasePath</c>).
    /// </summary>
    [Parameter]
    public string? ContentPath { get; set; }

    /// <summary>The counsellor line as the server configures it, to show wherever the chat cannot help.</summary>
    private string? ContactText => counsellor is { } line
        ? string.Format(CultureInfo.InvariantCulture, Strings.CounsellorContact, line.Phone, line.Hours)
        : null;

    private ChatServerResources Resources => resources ??= new ChatServerResources(
        ServerUrl ?? Services.GetService<IOptions<DongyangChatOptions>>()?.Value.ServerUrl ?? new Uri(Navigation.BaseUri),
        SiteKey ?? Services.GetService<IOptions<DongyangChatOptions>>()?.Value.SiteKey);

    /// <summary>A marker <c>[n]</c> or a source's "read in full" was clicked: open that section inside the chat.</summary>
    /// <param name="entryKey">The answer the marker is in.</param>
    /// <param name="index">The citation's number.</param>
    [JSInvokable]
    public async Task OpenCitationAsync(string entryKey, int index)
    {
        var citation = session.Find(entryKey)?.Citations.FirstOrDefault(c => c.Index == index);
        if (citation is null)
        {
            return;
        }

        var opened = new OpenedSource(citation);
        openSource = opened;
        focusSource = true;
        StateHasChanged();
        try
        {
            opened.Section = await Resources.GetSourceAsync(citation, disposed.Token);
            opened.Message = opened.Section is null ? Strings.SourceMissing : null;
        }
        catch (Exception e) when ((e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException) && !disposed.IsCancellationRequested)
        {
            opened.Message = Strings.SourceFailed;
        }

        StateHasChanged();
    }

    private Task CloseSourceAsync()
    {
        openSource = null;
        focusInput = true;
        StateHasChanged();
        return Task.CompletedTask;
    }

    private string SourceLocation(OpenedSource source)
    {
        var section = source.Section?.Section ?? source.Citation.Section;
        var page = source.Section?.Page ?? source.Citation.Page;
        var parts = new List<string>(2);
        if (!string.IsNullOrWhiteSpace(section))
        {
            parts.Add(section);
        }

        if (page is { } number)
        {
            parts.Add(string.Format(CultureInfo.InvariantCulture, Strings.Page, number));
        }

        return string.Join(" · ", parts);
    }

    /// <summary>
    /// Asks the server whether this page may use the key before the hub has a chance to fail silently (a browser
    /// hides a CORS refusal behind a network error), and learns the counsellor line. The developer gets the fix in
    /// the console; the customer gets a message that does not promise a connection that will not come.
    /// </summary>
    private async Task CheckConfigurationAsync()
    {
        WidgetConfiguration? configuration;
        try
        {
            configuration = await Resources.GetConfigurationAsync(Strings.Language, disposed.Token);
        }
        catch (Exception e) when ((e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException) && !disposed.IsCancellationRequested)
        {
            if (Connection != ChatConnectionState.Connected)
            {
                unreachable = true;
                StateHasChanged();
                await WarnDeveloperAsync($"Dongyang Chat ({ChatErrorCodes.Unavailable}): the chat server {Resources.ServerUrl} cannot be reached ({e.Message}). Check that it is running and that this page may connect to it (CORS, Content-Security-Policy connect-src).");
            }

            return;
        }
        catch (OperationCanceledException)
        {
            return;
        }

        if (configuration is null)
        {
            return;
        }

        counsellor = configuration.Counsellor;
        if (configuration.ErrorCode is { } code)
        {
            await WarnDeveloperAsync($"Dongyang Chat ({code}): {configuration.Fix}");
            if (session.Refusal is null)
            {
                session.Refusal = Strings.ForError(code);
                await OnError.InvokeAsync(session.Refusal);
            }

            // Only then is anything new on screen (the counsellor line shows beside a refusal).
            StateHasChanged();
        }
    }

    private Task WarnDeveloperAsync(string message) => (view ??= new ConversationView(JS, ContentPath ?? ConversationView.DefaultContentPath)).WarnAsync(message);

    private async Task AttachViewAsync()
    {
        if (!IsOpen)
        {
            return;
        }

        self ??= DotNetObjectReference.Create(this);
        await (view ??= new ConversationView(JS, ContentPath ?? ConversationView.DefaultContentPath)).AttachAsync(messagesElement, jumpButton, self);
        if (focusSource && openSource is not null)
        {
            focusSource = false;
            try
            {
                await sourceTitle.FocusAsync();
            }
            catch (Exception e) when (e is InvalidOperationException or JSException)
            {
            }
        }
    }

    private async ValueTask DisposeViewAsync()
    {
        if (view is not null)
        {
            await view.DisposeAsync();
        }

        self?.Dispose();
        resources?.Dispose();
    }

    /// <summary>A cited section being shown: loading, loaded, or why not.</summary>
    private sealed class OpenedSource(Citation citation)
    {
        public Citation Citation { get; } = citation;

        public SourceSection? Section { get; set; }

        public string? Message { get; set; }

        public string State => Section is not null ? "loaded" : Message is not null ? "failed" : "loading";
    }
}

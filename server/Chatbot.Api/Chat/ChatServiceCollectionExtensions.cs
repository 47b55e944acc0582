using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Dongyang.Chat.Protocol;
using Chatbot.Api.Sites;
using Chatbot.Data.Conversations;
using Microsoft.AspNetCore.SignalR;

namespace Chatbot.Api.Chat;

internal static class ChatServiceCollectionExtensions
{
    public static IServiceCollection AddChat(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ChatService>();
        services.AddSingleton<FeedbackStore>();
        services.AddSingleton<CustomerFeedback>();
        services.AddSingleton<ConversationFeed>();
        services.ConfigureHttpJsonOptions(options => options.SerializerOptions.Encoder = ReadableJson.Encoder);
        services.AddSignalR(options => options.MaximumReceiveMessageSize = 64 * 1024)
            .AddJsonProtocol(options =>
            {
                options.PayloadSerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
                options.PayloadSerializerOptions.Encoder = ReadableJson.Encoder;
            })

            // The chat hub's callers are partner sites: its filters admit the site, then budget the calls. They are set
            // here, once, because each AddHubOptions call starts the hub's filters again from the global ones; the
            // console's Blazor circuit hub (/_blazor) has its own sign-in and never passes through them.
            .AddHubOptions<ChatHub>(options =>
            {
                options.AddFilter<Sites.SiteHubFilter>();
                options.AddFilter<RateLimiting.HubRateLimitFilter>();
            });
        return services;
    }

    public static IEndpointRouteBuilder MapChatHub(this IEndpointRouteBuilder endpoints)
    {
        // A connection lasts as long as its credential: SignalR closes it (allowing a reconnect) once the ticket's
        // ExpiresUtc, the session token's or signed identity's expiry, has passed; SiteHubFilter refuses calls before.
        endpoints.MapHub<ChatHub>(ChatEndpoints.HubPath, options => options.CloseOnAuthenticationExpiration = true).RequireSiteCustomer();
        return endpoints;
    }
}

/// <summary>JSON that shows Korean as Korean (curl users read it), while still escaping HTML-sensitive characters.</summary>
internal static class ReadableJson
{
    public static JavaScriptEncoder Encoder { get; } = JavaScriptEncoder.Create(UnicodeRanges.All);

    public static JsonSerializerOptions Options { get; } = new(JsonSerializerOptions.Web) { Encoder = Encoder };
}

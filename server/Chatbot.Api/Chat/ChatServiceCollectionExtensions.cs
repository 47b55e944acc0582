using System.Text.Json;
using Dongyang.Chat.Protocol;

namespace Chatbot.Api.Chat;

internal static class ChatServiceCollectionExtensions
{
    public static IServiceCollection AddChat(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ChatService>();
        services.AddSingleton<FeedbackStore>();
        services.AddSignalR(options => options.MaximumReceiveMessageSize = 64 * 1024)
            .AddJsonProtocol(options => options.PayloadSerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase);
        return services;
    }

    public static IEndpointRouteBuilder MapChatHub(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHub<ChatHub>(ChatEndpoints.HubPath);
        return endpoints;
    }
}

using Chatbot.Data;
using Chatbot.Data.Conversations;
using Chatbot.Data.Sites;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;

namespace Chatbot.Api.Sites;

internal static class SiteServiceCollectionExtensions
{
    /// <summary>Partner-site keys, origins and identities (the SiteKey scheme); CORS derived from the same lists. Call after AddChatPersistence.</summary>
    public static IServiceCollection AddSiteAccess(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SiteOptions>().Bind(configuration.GetSection(SiteOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp =>
        {
            var contexts = sp.GetRequiredService<IDbContextFactory<ChatDbContext>>();
            return new PartnerSiteCatalog(contexts.CreateDbContext, sp.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton<SiteRegistry>();
        services.AddSingleton<SiteChanges>();
        services.AddSingleton<SessionTokens>();
        services.AddSingleton<SiteConnections>();
        services.AddSingleton<ConversationAccess>();
        services.AddHostedService<LocalSiteSeeder>();
        services.AddHostedService<OpenConnectionGuard>();
        services.AddCors();
        services.AddSingleton<ICorsPolicyProvider, SiteCorsPolicyProvider>();
        services.AddSingleton<SiteHubFilter>();
        services.AddSiteKeyAuthentication();
        return services;
    }

    /// <summary>CORS from the sites' origins; before the per-address rate limit, so a browser can read a refusal.</summary>
    public static WebApplication UseSiteCors(this WebApplication app)
    {
        app.UseCors();
        return app;
    }
}

using Chatbot.Rag.Answering;

namespace Chatbot.Api.Resilience;

internal static class ResilienceExtensions
{
    /// <summary>The 503 for an unavailable store, and (for fault drills only) a slowed answer stream. Call after AddChatEngine.</summary>
    public static IServiceCollection AddChatResilience(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddExceptionHandler<DatabaseUnavailableHandler>();
        services.AddOptions<FaultInjectionOptions>().Bind(configuration.GetSection(FaultInjectionOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();

        var delay = configuration.GetSection(FaultInjectionOptions.SectionName).Get<FaultInjectionOptions>()?.AnswerPieceDelayMilliseconds ?? 0;
        if (delay > 0 && services.LastOrDefault(d => d.ServiceType == typeof(IChatAnswerer)) is { } answerer)
        {
            services.Remove(answerer);
            services.AddSingleton<IChatAnswerer>(sp => new DelayedAnswerer(Resolve(sp, answerer), TimeSpan.FromMilliseconds(delay), sp.GetRequiredService<TimeProvider>()));
        }

        return services;
    }

    private static IChatAnswerer Resolve(IServiceProvider services, ServiceDescriptor descriptor) => (IChatAnswerer)(
        descriptor.ImplementationInstance
        ?? descriptor.ImplementationFactory?.Invoke(services)
        ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!));
}

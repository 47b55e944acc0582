using System.Net.Http.Headers;
using Chatbot.Ai.Contracts;
using Chatbot.Api.Health;
using Chatbot.Api.Persistence;
using Chatbot.Rag;
using Chatbot.Rag.Answering;
using Chatbot.Rag.Knowledge;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace Chatbot.Api.Engine;

internal static class EngineServiceCollectionExtensions
{
    /// <summary>The named HttpClient for idempotent calls to the AI service (readiness, search), which may be retried.</summary>
    public const string IdempotentClientName = "ai-idempotent";

    /// <summary>
    /// The answering engine and the knowledge base (<see cref="IKnowledgeBase"/>). With <c>AI_SERVER_URL</c> or
    /// <c>Ai:BaseUrl</c> set they are the AI service over HTTP, and this process builds no engine: no chunk store,
    /// embeddings, retriever or document readers are registered, and it ingests nothing (the ai owns start-up sync).
    /// Otherwise the engine runs in-process, with its index in the same data folder as the database and the knowledge
    /// folder synced on start.
    /// </summary>
    public static IServiceCollection AddChatEngine(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var ai = AiServiceOptions.Read(configuration);
        services.AddOptions<AiServiceOptions>()
            .Bind(configuration.GetSection(AiServiceOptions.SectionName))
            .PostConfigure(o => o.BaseUrl = ai.BaseUrl)
            .ValidateDataAnnotations()
            .Validate(
                o => !o.IsRemote || environment.IsDevelopment() || !string.IsNullOrEmpty(o.ServiceKey),
                "Ai:ServiceKey is required with a remote AI service outside Development: the shared secret the ai expects (Ai__ServiceKey; in compose the ai_service_key secret that deploy/scripts/init-secrets.sh writes).")
            .ValidateOnStart();

        if (ai.IsRemote)
        {
            services.AddRemoteAnswerer(ai);
            services.AddHealthChecks().AddCheck<AiServiceHealthCheck>(HealthApi.EngineCheck, tags: [HealthApi.ReadyTag]);
            services.AddSingleton<ISourceLibrary, RemoteSourceLibrary>();
            return services;
        }

        services.AddLocalKnowledgeBase(configuration, environment.ContentRootPath);
        services.AddSingleton<ISourceLibrary, LocalSourceLibrary>();
        services.PostConfigure<RagOptions>(options =>
        {
            var storage = configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new();
            options.DataDirectory = string.IsNullOrWhiteSpace(options.DataDirectory) || options.DataDirectory == RagOptions.DefaultDataDirectory
                ? storage.ResolveDataDirectory(environment.ContentRootPath)
                : Path.GetFullPath(options.DataDirectory, environment.ContentRootPath);
        });
        services.AddHostedService<KnowledgeBootstrapper>();
        services.AddHealthChecks().AddCheck(HealthApi.EngineCheck, () => HealthCheckResult.Healthy("in-process engine"), tags: [HealthApi.ReadyTag]);
        return services;
    }

    private static void ConfigureAiClient(HttpClient http, IServiceProvider provider, Uri baseAddress)
    {
        http.BaseAddress = baseAddress;
        http.Timeout = Timeout.InfiniteTimeSpan;
        AddServiceKey(http, provider);
    }

    /// <summary>Retries only a connection that was never made, breaks the circuit while the ai keeps failing, then times out.</summary>
    private static void NeverReachedRetries(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, AiServiceOptions ai, TimeSpan timeout)
    {
        pipeline.AddRetry(new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = 2,
            BackoffType = DelayBackoffType.Exponential,
            Delay = TimeSpan.FromMilliseconds(200),
            ShouldHandle = args => ValueTask.FromResult(IsConnectionNeverMade(args.Outcome.Exception)),
        });
        pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
        {
            FailureRatio = 0.5,
            MinimumThroughput = 4,
            SamplingDuration = TimeSpan.FromSeconds(30),
            BreakDuration = TimeSpan.FromSeconds(ai.BreakDurationSeconds),
        });
        pipeline.AddTimeout(timeout);
    }

    private static void AddRemoteAnswerer(this IServiceCollection services, AiServiceOptions ai)
    {
        var baseAddress = new Uri(ai.BaseUrl!.TrimEnd('/') + "/");

        // The answer stream: the pipeline ends at the response headers (ResponseHeadersRead), so it can never retry an
        // answer whose bytes have started to arrive. It retries only a connection that was never made — the request
        // did not reach the service — and a circuit breaker answers at once while the service keeps failing.
        services.AddHttpClient<IChatAnswerer, RemoteChatAnswerer>((provider, http) => ConfigureAiClient(http, provider, baseAddress))
            .AddResilienceHandler("ai-answer-stream", pipeline => NeverReachedRetries(pipeline, ai, TimeSpan.FromSeconds(ai.ConnectTimeoutSeconds)));

        // Knowledge changes (sync, put, delete) and reads: an ingestion may take minutes, and a change is not retried
        // once it reached the service, so only a connection that was never made is retried, as for the answer stream.
        services.AddHttpClient<IKnowledgeBase, RemoteKnowledgeBase>((provider, http) => ConfigureAiClient(http, provider, baseAddress))
            .AddResilienceHandler("ai-knowledge", pipeline => NeverReachedRetries(pipeline, ai, TimeSpan.FromSeconds(ai.KnowledgeTimeoutSeconds)));

        // Idempotent calls: the standard pipeline (total timeout, retries with backoff, circuit breaker, attempt timeout).
        services.AddHttpClient(IdempotentClientName, (provider, http) =>
            {
                http.BaseAddress = baseAddress;
                AddServiceKey(http, provider);
            })
            .AddStandardResilienceHandler(options =>
            {
                options.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(ai.RequestTimeoutSeconds);
                options.AttemptTimeout.Timeout = TimeSpan.FromSeconds(Math.Min(ai.ConnectTimeoutSeconds, ai.RequestTimeoutSeconds));
                options.Retry.MaxRetryAttempts = 2;
                options.Retry.Delay = TimeSpan.FromMilliseconds(200);
                options.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(Math.Max(30, 2 * options.AttemptTimeout.Timeout.TotalSeconds));
                options.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(ai.BreakDurationSeconds);
            });
    }

    /// <summary>Every call to the AI service carries the shared service key (the ai refuses all but health without it).</summary>
    private static void AddServiceKey(HttpClient http, IServiceProvider provider)
    {
        if (provider.GetRequiredService<IOptions<AiServiceOptions>>().Value.ServiceKey is { Length: > 0 } key)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
    }

    private static bool IsConnectionNeverMade(Exception? exception) =>
        exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError };
}

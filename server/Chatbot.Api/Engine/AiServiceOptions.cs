using System.ComponentModel.DataAnnotations;

namespace Chatbot.Api.Engine;

/// <summary>
/// Where the AI service runs, bound from the "Ai" section (or <c>AI_SERVER_URL</c>). With no base URL the engine runs
/// in-process, which keeps the one-command default.
/// </summary>
internal sealed class AiServiceOptions
{
    public const string SectionName = "Ai";

    /// <summary>The environment variable the deployed stack sets, e.g. <c>http://ai:8000</c>.</summary>
    public const string UrlVariable = "AI_SERVER_URL";

    /// <summary>The AI service's base URL, e.g. <c>http://ai:8000</c>; empty for the in-process engine.</summary>
    [Url]
    public string? BaseUrl { get; set; }

    /// <summary>
    /// The shared secret sent to the AI service as <c>Authorization: Bearer &lt;key&gt;</c>; the ai's own
    /// <c>Ai:ServiceKey</c> must be the same (in compose, both read the <c>ai_service_key</c> secret). Required with a
    /// remote AI service outside Development; unused by the in-process engine.
    /// </summary>
    [MinLength(32)]
    public string? ServiceKey { get; set; }

    /// <summary>How long to wait for a connection and the response headers of one attempt.</summary>
    [Range(1, 300)]
    public int ConnectTimeoutSeconds { get; set; } = 10;

    /// <summary>The longest silence allowed between two lines of a streamed answer before it counts as broken.</summary>
    [Range(1, 600)]
    public int StreamIdleTimeoutSeconds { get; set; } = 60;

    /// <summary>The overall budget of an idempotent call (search, readiness), retries included.</summary>
    [Range(1, 600)]
    public int RequestTimeoutSeconds { get; set; } = 15;

    /// <summary>
    /// The longest a knowledge change through the AI service (a sync, an upload, a delete) may take, ingestion
    /// included, before the admin API answers <c>503 knowledge_unavailable</c>.
    /// </summary>
    [Range(1, 3600)]
    public int KnowledgeTimeoutSeconds { get; set; } = 300;

    /// <summary>How long the circuit stays open after the AI service keeps failing, answering at once instead of waiting.</summary>
    [Range(1, 600)]
    public int BreakDurationSeconds { get; set; } = 15;

    public bool IsRemote => !string.IsNullOrWhiteSpace(BaseUrl);

    /// <summary>Reads the options the way the host binds them, with <c>AI_SERVER_URL</c> taking precedence.</summary>
    public static AiServiceOptions Read(IConfiguration configuration)
    {
        var options = configuration.GetSection(SectionName).Get<AiServiceOptions>() ?? new();
        if (configuration[UrlVariable] is { Length: > 0 } url)
        {
            options.BaseUrl = url;
        }

        return options;
    }
}

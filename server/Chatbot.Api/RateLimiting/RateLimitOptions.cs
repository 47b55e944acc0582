using System.ComponentModel.DataAnnotations;

namespace Chatbot.Api.RateLimiting;

/// <summary>Request budgets per window, bound from the "RateLimits" section.</summary>
internal sealed class RateLimitOptions
{
    public const string SectionName = "RateLimits";

    /// <summary>The length of one budget window, in seconds.</summary>
    [Range(1, 3600)]
    public int WindowSeconds { get; set; } = 60;

    /// <summary>HTTP requests (API calls, hub negotiate/connect) one client IP may make per window.</summary>
    [Range(1, 1_000_000)]
    public int PerIp { get; set; } = 120;

    /// <summary>HTTP requests all clients of one site key may make per window.</summary>
    [Range(1, 10_000_000)]
    public int PerSite { get; set; } = 6000;

    /// <summary>Hub invocations (questions, history) one connection may make per window.</summary>
    [Range(1, 1_000_000)]
    public int HubPerConnection { get; set; } = 30;

    /// <summary>Hub invocations all connections of one site key may make per window.</summary>
    [Range(1, 10_000_000)]
    public int HubPerSite { get; set; } = 6000;
}

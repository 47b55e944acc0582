using System.ComponentModel.DataAnnotations;

namespace Chatbot.Api.RateLimiting;

/// <summary>Request budgets per window, and caps on what one client may hold open at once; bound from the "RateLimits" section.</summary>
internal sealed class RateLimitOptions
{
    public const string SectionName = "RateLimits";

    /// <summary>The length of one budget window, in seconds.</summary>
    [Range(1, 3600)]
    public int WindowSeconds { get; set; } = 60;

    /// <summary>
    /// HTTP requests (API calls, hub negotiate/connect) one client IP may make per window, counted before the site-key
    /// check, so requests it refuses are counted too.
    /// </summary>
    [Range(1, 1_000_000)]
    public int PerIp { get; set; } = 120;

    /// <summary>HTTP requests all clients of one site key may make per window.</summary>
    [Range(1, 10_000_000)]
    public int PerSite { get; set; } = 6000;

    /// <summary>Hub invocations (questions, history) one connection may make per window.</summary>
    [Range(1, 1_000_000)]
    public int HubPerConnection { get; set; } = 30;

    /// <summary>Hub invocations all connections from one client IP may make per window, so one address cannot spend a site's budget.</summary>
    [Range(1, 1_000_000)]
    public int HubPerIp { get; set; } = 300;

    /// <summary>Hub invocations all connections of one site key may make per window.</summary>
    [Range(1, 10_000_000)]
    public int HubPerSite { get; set; } = 6000;

    /// <summary>Chat hub connections one client IP may hold open at once; the next is refused with 429 at negotiate.</summary>
    [Range(1, 1_000_000)]
    public int MaxConnectionsPerIp { get; set; } = 20;

    /// <summary>Answers one hub connection may have in generation at once.</summary>
    [Range(1, 10_000)]
    public int MaxConcurrentAnswersPerConnection { get; set; } = 2;

    /// <summary>Answers one client IP may have in generation at once, over the hub and REST together.</summary>
    [Range(1, 1_000_000)]
    public int MaxConcurrentAnswersPerIp { get; set; } = 6;
}

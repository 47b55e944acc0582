using System.ComponentModel.DataAnnotations;
using StackExchange.Redis;

namespace Chatbot.Api.ScaleOut;

/// <summary>
/// Running more than one Api instance, bound from the "ScaleOut" section. Off by default: one instance needs no Redis.
/// </summary>
internal sealed class ScaleOutOptions : IValidatableObject
{
    public const string SectionName = "ScaleOut";

    public const string DefaultChannelPrefix = "dongyang-chat";

    /// <summary>
    /// A StackExchange.Redis connection string (e.g. <c>redis:6379</c> or <c>redis:6379,password=…</c>). When set,
    /// SignalR groups and messages span every instance that uses the same Redis and channel prefix.
    /// </summary>
    public string RedisConnectionString { get; set; } = "";

    /// <summary>Prefixes every Redis channel, so several deployments can share one Redis without hearing each other.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9._:-]{1,64}$", ErrorMessage = "ScaleOut:ChannelPrefix must be 1-64 letters, digits, '.', '_', ':' or '-'.")]
    public string ChannelPrefix { get; set; } = DefaultChannelPrefix;

    /// <summary>
    /// When set, every response carries it in <c>X-Chatbot-Instance</c>, so an operator (and the scale-out test) can
    /// tell which instance behind the proxy answered. Empty sends no header.
    /// </summary>
    [RegularExpression("^[A-Za-z0-9._-]{0,64}$", ErrorMessage = "ScaleOut:InstanceName must be at most 64 letters, digits, '.', '_' or '-'.")]
    public string InstanceName { get; set; } = "";

    public bool UsesRedis => RedisConnectionString.Length > 0;

    /// <summary>The Redis client settings: reconnecting in the background rather than failing the start-up.</summary>
    public ConfigurationOptions RedisConfiguration()
    {
        var configuration = ConfigurationOptions.Parse(RedisConnectionString);
        configuration.AbortOnConnectFail = false;

        // While Redis is away a push fails at once (logged) instead of holding up the answer in a backlog; the client
        // tries again soon after a blip, and at least every five seconds.
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        configuration.ReconnectRetryPolicy = new ExponentialRetry(deltaBackOffMilliseconds: 500, maxDeltaBackOffMilliseconds: 5000);
        configuration.ChannelPrefix = RedisChannel.Literal(ChannelPrefix);
        return configuration;
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!UsesRedis)
        {
            yield break;
        }

        string? problem;
        try
        {
            problem = ConfigurationOptions.Parse(RedisConnectionString).EndPoints.Count == 0 ? "names no host" : null;
        }
        catch (ArgumentException e)
        {
            problem = e.Message;
        }

        if (problem is not null)
        {
            // The connection string may hold a password: say what is wrong, never echo it.
            yield return new ValidationResult($"ScaleOut:RedisConnectionString is not a valid Redis connection string: {problem}", [nameof(RedisConnectionString)]);
        }
    }
}

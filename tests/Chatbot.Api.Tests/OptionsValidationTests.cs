namespace Chatbot.Api.Tests;

/// <summary>Bad access, limit and retention settings stop the server at start with a message naming the setting.</summary>
public sealed class OptionsValidationTests
{
    [Theory]
    [InlineData("Admin__ApiKey", "too-short", "Admin:ApiKey")]
    [InlineData("Retention__Days", "0", "Days")]
    [InlineData("RateLimits__PerIp", "0", "PerIp")]
    [InlineData("RateLimits__MaxConnectionsPerIp", "0", "MaxConnectionsPerIp")]
    [InlineData("RateLimits__MaxConcurrentAnswersPerConnection", "0", "MaxConcurrentAnswersPerConnection")]
    [InlineData("Limits__MaxMessagesPerConversation", "1", "MaxMessagesPerConversation")]
    [InlineData("Sites__CacheSeconds", "0", "CacheSeconds")]
    [InlineData("ScaleOut__RedisConnectionString", "redis:6379,nosuchoption=1", "ScaleOut:RedisConnectionString")]
    [InlineData("ScaleOut__RedisConnectionString", "password=secret-in-the-string", "ScaleOut:RedisConnectionString")]
    [InlineData("ScaleOut__ChannelPrefix", "has spaces", "ScaleOut:ChannelPrefix")]
    [InlineData("ScaleOut__InstanceName", "api\r\nX-Injected: 1", "ScaleOut:InstanceName")]
    public async Task An_invalid_setting_stops_the_server_at_start(string setting, string value, string named)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("chatbot-options-").FullName;
        try
        {
            var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => ChatServer.StartAsync(dataDirectory, new Dictionary<string, string> { [setting] = value }));

            Assert.Contains(named, failure.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("secret-in-the-string", failure.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }
}

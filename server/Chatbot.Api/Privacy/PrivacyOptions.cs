using System.ComponentModel.DataAnnotations;
using Chatbot.Privacy;

namespace Chatbot.Api.Privacy;

/// <summary>How personal data is protected at rest.</summary>
internal sealed class PrivacyOptions
{
    public const string SectionName = "Privacy";

    /// <summary>
    /// The secret partner customer ids are hashed with (HMAC-SHA256), at least 32 characters. Unset, a random key is
    /// generated once and kept in the data folder (<see cref="UserIdKeyFile.FileName"/>). Every Api instance sharing a
    /// database must use the same key, and the key must outlive the conversations: with another key, customers' earlier
    /// conversations no longer match them.
    /// </summary>
    [MinLength(UserIdHasher.MinimumKeyBytes)]
    public string? UserIdKey { get; set; }
}

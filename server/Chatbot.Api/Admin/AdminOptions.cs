using System.ComponentModel.DataAnnotations;

namespace Chatbot.Api.Admin;

/// <summary>The admin credential, bound from the "Admin" section. Empty means the admin API refuses everyone.</summary>
internal sealed class AdminOptions : IValidatableObject
{
    public const string SectionName = "Admin";

    public const int MinimumKeyLength = 24;

    /// <summary>The bearer token for <c>/api/admin/</c>. Set it from a secret store or <c>Admin__ApiKey</c>, never in appsettings.json.</summary>
    public string ApiKey { get; set; } = "";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ApiKey.Length is > 0 and < MinimumKeyLength)
        {
            yield return new ValidationResult($"Admin:ApiKey must be at least {MinimumKeyLength} characters (or empty to turn the admin API off).", [nameof(ApiKey)]);
        }
    }
}

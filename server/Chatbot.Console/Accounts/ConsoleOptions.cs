using System.ComponentModel.DataAnnotations;

namespace Chatbot.CounsellorConsole.Accounts;

/// <summary>The "Console" section: the first admin for an empty console (containers, checks).</summary>
public sealed class ConsoleOptions : IValidatableObject
{
    public const string SectionName = "Console";

    /// <summary>With <see cref="BootstrapAdminPassword"/>: made an admin at start when no account exists; ignored afterwards.</summary>
    public string? BootstrapAdminEmail { get; set; }

    /// <summary>Set it from a secret (<c>Console__BootstrapAdminPassword</c>), never in appsettings.json.</summary>
    public string? BootstrapAdminPassword { get; set; }

    public bool HasBootstrapAdmin => !string.IsNullOrWhiteSpace(BootstrapAdminEmail) && !string.IsNullOrEmpty(BootstrapAdminPassword);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(BootstrapAdminEmail) != string.IsNullOrEmpty(BootstrapAdminPassword))
        {
            yield return new ValidationResult(
                "Console:BootstrapAdminEmail and Console:BootstrapAdminPassword go together: set both or neither.",
                [nameof(BootstrapAdminEmail), nameof(BootstrapAdminPassword)]);
        }

        if (BootstrapAdminPassword is { Length: > 0 and < ConsoleAccountServices.MinimumPasswordLength })
        {
            yield return new ValidationResult(
                $"Console:BootstrapAdminPassword must be at least {ConsoleAccountServices.MinimumPasswordLength} characters.",
                [nameof(BootstrapAdminPassword)]);
        }
    }
}

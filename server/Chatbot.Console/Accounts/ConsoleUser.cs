using Microsoft.AspNetCore.Identity;

namespace Chatbot.CounsellorConsole.Accounts;

/// <summary>A person who signs in to the console: a counsellor or an operator (admin).</summary>
public sealed class ConsoleUser : IdentityUser
{
    /// <summary>The name customers see when this counsellor joins ("상담원" when empty).</summary>
    public string? DisplayName { get; set; }

    public DateTime CreatedAtUtc { get; set; }
}

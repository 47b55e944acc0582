namespace Chatbot.CounsellorConsole.Audit;

/// <summary>
/// One line of the console's access record (<c>console_audit</c>): who did what to which target, when and from where.
/// Rows are only ever added; the database refuses UPDATE and DELETE on the table (a trigger on both providers).
/// </summary>
public sealed class AuditEntry
{
    public long Id { get; set; }

    public DateTime AtUtc { get; set; }

    /// <summary>The console account's id; null for the command line and the start-up bootstrap.</summary>
    public string? ActorId { get; set; }

    /// <summary>The account's email as it was then, or "cli" / "system".</summary>
    public required string ActorName { get; set; }

    /// <summary>The caller's IP address, when the action came over HTTP.</summary>
    public string? RemoteAddress { get; set; }

    /// <summary>One of <see cref="AuditActions"/>.</summary>
    public required string Action { get; set; }

    /// <summary>What the action was done to: a handoff request's id, an account's email, an export's filter.</summary>
    public string? Target { get; set; }

    /// <summary>Anything else worth keeping (a row count, a role); never a password or a customer's words.</summary>
    public string? Detail { get; set; }
}

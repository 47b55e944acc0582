namespace Chatbot.CounsellorConsole.Accounts;

/// <summary>The console's roles, and the authorization policy that admits each (pages name a policy, never a path).</summary>
public static class ConsoleRoles
{
    /// <summary>Operators: everything, including accounts and sites.</summary>
    public const string Admin = "admin";

    /// <summary>Counsellors: the inbox and conversations only.</summary>
    public const string Counsellor = "counsellor";

    public static IReadOnlyList<string> All { get; } = [Admin, Counsellor];

    /// <summary>The policy for pages only operators may open.</summary>
    public const string AdminPolicy = "console-admin";

    /// <summary>The policy for pages every console user may open (counsellors and admins).</summary>
    public const string CounsellorPolicy = "console-counsellor";

    /// <summary>The role name as given on a command line or a form, or null when it is not one of ours.</summary>
    public static string? Parse(string? role) =>
        All.FirstOrDefault(r => string.Equals(r, role?.Trim(), StringComparison.OrdinalIgnoreCase));
}

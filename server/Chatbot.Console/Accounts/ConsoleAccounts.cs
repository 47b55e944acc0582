using Chatbot.CounsellorConsole.Audit;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Chatbot.CounsellorConsole.Accounts;

/// <summary>
/// Makes console accounts and changes their passwords: the bootstrap admin, <c>chatbot users add</c>, the accounts page
/// and the password page all come here, and each change is audited.
/// </summary>
public sealed class ConsoleAccounts(UserManager<ConsoleUser> users, RoleManager<IdentityRole> roles, IAuditLog audit, TimeProvider clock)
{
    /// <summary>Whether any account exists (the bootstrap admin is made only into an empty console).</summary>
    public Task<bool> AnyAsync(CancellationToken cancellationToken) => users.Users.AnyAsync(cancellationToken);

    /// <summary>Creates an account with one role; the result's errors say why not (taken email, weak password …).</summary>
    public async Task<IdentityResult> CreateAsync(string email, string password, string role, string? displayName, AuditActor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (ConsoleRoles.Parse(role) is not { } knownRole)
        {
            return IdentityResult.Failed(new IdentityError { Code = "UnknownRole", Description = $"Unknown role '{role}'. Use {string.Join(" or ", ConsoleRoles.All)}." });
        }

        foreach (var name in ConsoleRoles.All)
        {
            if (!await roles.RoleExistsAsync(name))
            {
                var made = await roles.CreateAsync(new IdentityRole(name));
                if (!made.Succeeded)
                {
                    return made;
                }
            }
        }

        var user = new ConsoleUser
        {
            UserName = email.Trim(),
            Email = email.Trim(),
            EmailConfirmed = true,
            DisplayName = string.IsNullOrWhiteSpace(displayName) ? null : displayName.Trim(),
            CreatedAtUtc = clock.GetUtcNow().UtcDateTime,
        };
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded)
        {
            return created;
        }

        var assigned = await users.AddToRoleAsync(user, knownRole);
        if (!assigned.Succeeded)
        {
            await users.DeleteAsync(user);
            return assigned;
        }

        await audit.RecordAsync(actor, AuditActions.AccountAdd, user.Email, $"role={knownRole}", CancellationToken.None);
        return assigned;
    }

    /// <summary>Changes a user's own password (the current one is checked); audited when it succeeds.</summary>
    public async Task<IdentityResult> ChangePasswordAsync(ConsoleUser user, string currentPassword, string newPassword, AuditActor actor)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(actor);
        var result = await users.ChangePasswordAsync(user, currentPassword, newPassword);
        if (result.Succeeded)
        {
            await audit.RecordAsync(actor, AuditActions.PasswordChange, user.Email, null, CancellationToken.None);
        }

        return result;
    }

    public static string Describe(IdentityResult result) => string.Join(" ", result.Errors.Select(e => e.Description));
}

using System.CommandLine;
using Chatbot.Cli.Commands;
using Chatbot.CounsellorConsole.Accounts;
using Chatbot.CounsellorConsole.Data;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace Chatbot.Cli.Users;

/// <summary><c>chatbot users add</c>: console accounts (counsellors, admins), straight in the chat database.</summary>
internal static class UsersCommand
{
    public static Command Create()
    {
        var users = new Command("users", "Manage console accounts (counsellors and admins)");
        users.Options.Add(CliDatabase.Provider);
        users.Options.Add(CliDatabase.Connection);
        users.Subcommands.Add(Add());
        return users;
    }

    private static Command Add()
    {
        var email = new Argument<string>("email") { Description = "The person's email; they sign in with it" };
        var role = new Option<string>("--role") { Description = $"{ConsoleRoles.Admin} or {ConsoleRoles.Counsellor}", Required = true };
        var name = new Option<string?>("--name") { Description = "The name customers see when this counsellor joins (default: 상담원)" };
        var command = new Command("add", "Add an account; the password is read from standard input (never from the command line)") { email, role, name };
        command.SetAction(async (parse, ct) =>
        {
            try
            {
                var password = ReadPassword();
                await using var services = Services(CliDatabase.Resolve(parse));
                await using var scope = services.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<ConsoleDatabaseMigrator>().MigrateAsync(ct);
                var result = await scope.ServiceProvider.GetRequiredService<ConsoleAccounts>().CreateAsync(parse.GetValue(email)!, password, parse.GetValue(role)!, parse.GetValue(name), Chatbot.CounsellorConsole.Audit.AuditActor.CommandLine);
                if (!result.Succeeded)
                {
                    await System.Console.Error.WriteLineAsync($"error: {ConsoleAccounts.Describe(result)}");
                    return 2;
                }

                System.Console.WriteLine($"added {parse.GetValue(email)} ({ConsoleRoles.Parse(parse.GetValue(role))})");
                return 0;
            }
            catch (ArgumentException e)
            {
                await System.Console.Error.WriteLineAsync($"error: {e.Message}");
                return 2;
            }
        });
        return command;
    }

    /// <summary>A password piped in (one line), or typed without echo at a terminal.</summary>
    private static string ReadPassword()
    {
        var password = System.Console.IsInputRedirected
            ? System.Console.In.ReadLine()
            : AnsiConsole.Prompt(new TextPrompt<string>("Password:").Secret());
        return string.IsNullOrEmpty(password)
            ? throw new ArgumentException("Give the password on standard input, e.g. printf '%s\\n' \"$PASSWORD\" | chatbot users add …")
            : password;
    }

    private static ServiceProvider Services((bool IsPostgres, string ConnectionString) database)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddConsoleAccounts(new ConsoleDatabase(database.IsPostgres ? ConsoleDatabaseProvider.Postgres : ConsoleDatabaseProvider.Sqlite, database.ConnectionString));
        return services.BuildServiceProvider();
    }
}

using System.CommandLine;
using Chatbot.Cli.Commands;
using Chatbot.Data;
using Chatbot.Data.Sites;
using Microsoft.EntityFrameworkCore;
using Spectre.Console;

namespace Chatbot.Cli.Sites;

/// <summary><c>chatbot sites add|list|rotate|disable|enable</c>: partner-site keys, straight in the chat database.</summary>
internal static class SitesCommand
{
    public static Command Create()
    {
        var sites = new Command("sites", "Manage partner sites: public keys, allowed origins, identity secrets");
        sites.Options.Add(CliDatabase.Provider);
        sites.Options.Add(CliDatabase.Connection);
        sites.Subcommands.Add(Add());
        sites.Subcommands.Add(List());
        sites.Subcommands.Add(Rotate());
        sites.Subcommands.Add(SetEnabled("disable", enabled: false, "Disable a key: its requests and open connections are refused within seconds"));
        sites.Subcommands.Add(SetEnabled("enable", enabled: true, "Enable a disabled key again"));
        return sites;
    }

    private static Command Add()
    {
        var name = new Argument<string>("name") { Description = "The partner's name" };
        var origins = new Option<string[]>("--origin") { Description = "An allowed origin such as https://www.partner.co.kr (repeat for more)", Required = true, AllowMultipleArgumentsPerToken = true };
        var key = new Option<string?>("--key") { Description = "Use this public key (pk_…) instead of a random one" };
        var command = new Command("add", "Add a site; prints its public key and, once, its identity secret") { name, origins, key };
        command.SetAction((parse, ct) => RunAsync(parse, async catalog =>
        {
            var site = await catalog.AddAsync(parse.GetValue(name)!, parse.GetValue(origins) ?? [], parse.GetValue(key), ct);
            Show(site, withSecret: true);
        }));
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "List sites (secrets are not shown)");
        command.SetAction((parse, ct) => RunAsync(parse, async catalog =>
        {
            var table = new Table().AddColumns("Key", "Name", "Origins", "State", "Created (UTC)");
            table.Columns[0].NoWrap();
            foreach (var site in await catalog.ListAsync(ct))
            {
                table.AddRow(Markup.Escape(site.PublicKey), Markup.Escape(site.Name), Markup.Escape(string.Join("\n", site.AllowedOrigins)), site.Enabled ? "enabled" : "[red]disabled[/]", site.CreatedAtUtc.ToString("u", System.Globalization.CultureInfo.InvariantCulture));
            }

            AnsiConsole.Write(table);
        }));
        return command;
    }

    private static Command Rotate()
    {
        var key = new Argument<string>("key") { Description = "The site's public key" };
        var command = new Command("rotate", "Give a site a new identity secret; hashes made with the old one stop verifying") { key };
        command.SetAction((parse, ct) => RunAsync(parse, async catalog =>
            Show(await catalog.RotateSecretAsync(parse.GetValue(key)!, ct) ?? throw new ArgumentException($"No site has the key {parse.GetValue(key)}."), withSecret: true)));
        return command;
    }

    private static Command SetEnabled(string verb, bool enabled, string description)
    {
        var key = new Argument<string>("key") { Description = "The site's public key" };
        var command = new Command(verb, description) { key };
        command.SetAction((parse, ct) => RunAsync(parse, async catalog =>
            Show(await catalog.SetEnabledAsync(parse.GetValue(key)!, enabled, ct) ?? throw new ArgumentException($"No site has the key {parse.GetValue(key)}."), withSecret: false)));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, Func<PartnerSiteCatalog, Task> action)
    {
        try
        {
            var options = ContextOptions(CliDatabase.Resolve(parse));
            await using (var context = options())
            {
                await context.Database.MigrateAsync();
            }

            await action(new PartnerSiteCatalog(options, TimeProvider.System));
            return 0;
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
    }

    private static Func<ChatDbContext> ContextOptions((bool IsPostgres, string ConnectionString) database)
    {
        if (database.IsPostgres)
        {
            var postgres = new DbContextOptionsBuilder<PostgresChatDbContext>().UseNpgsql(database.ConnectionString).Options;
            return () => new PostgresChatDbContext(postgres);
        }

        var sqlite = new DbContextOptionsBuilder<SqliteChatDbContext>().UseSqlite(database.ConnectionString).Options;
        return () => new SqliteChatDbContext(sqlite);
    }

    private static void Show(PartnerSiteRecord site, bool withSecret)
    {
        Console.WriteLine($"key:      {site.PublicKey}");
        Console.WriteLine($"name:     {site.Name}");
        Console.WriteLine($"origins:  {string.Join(" ", site.AllowedOrigins)}");
        Console.WriteLine($"state:    {(site.Enabled ? "enabled" : "disabled")}");
        if (withSecret)
        {
            // Printed once for the operator to hand to the partner's server; it is not stored anywhere else.
            Console.WriteLine($"secret:   {site.IdentitySecret}");
        }
    }
}

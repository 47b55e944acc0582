using System.CommandLine;
using Chatbot.Data;
using Chatbot.Data.Sites;
using Microsoft.EntityFrameworkCore;
using Spectre.Console;

namespace Chatbot.Cli.Sites;

/// <summary><c>chatbot sites add|list|rotate|disable|enable</c>: partner-site keys, straight in the chat database.</summary>
internal static class SitesCommand
{
    private static readonly Option<string> Provider = new("--provider")
    {
        Description = "Sqlite or Postgres (default: $Database__Provider, else Sqlite)",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("Database__Provider") is { Length: > 0 } p ? p : "Sqlite",
    };

    private static readonly Option<string?> Connection = new("--connection")
    {
        Description = "Connection string (default: $ConnectionStrings__Chatbot, else the Api's embedded SQLite file server/Chatbot.Api/data/chatbot.db)",
        Recursive = true,
    };

    public static Command Create()
    {
        var sites = new Command("sites", "Manage partner sites: public keys, allowed origins, identity secrets");
        sites.Options.Add(Provider);
        sites.Options.Add(Connection);
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
            var options = ContextOptions(parse.GetValue(Provider)!, parse.GetValue(Connection));
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

    private static Func<ChatDbContext> ContextOptions(string provider, string? connection)
    {
        connection ??= Environment.GetEnvironmentVariable("ConnectionStrings__Chatbot") is { Length: > 0 } configured ? configured : null;
        if (provider.Equals("Postgres", StringComparison.OrdinalIgnoreCase))
        {
            var postgres = new DbContextOptionsBuilder<PostgresChatDbContext>()
                .UseNpgsql(connection ?? throw new ArgumentException("--connection (or ConnectionStrings__Chatbot) is needed for Postgres."))
                .Options;
            return () => new PostgresChatDbContext(postgres);
        }

        if (!provider.Equals("Sqlite", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"Unknown provider '{provider}'. Use Sqlite or Postgres.");
        }

        connection ??= $"Data Source={DefaultSqliteFile()}";
        var sqlite = new DbContextOptionsBuilder<SqliteChatDbContext>().UseSqlite(connection).Options;
        return () => new SqliteChatDbContext(sqlite);
    }

    /// <summary>The embedded default's database, found from the repository root above the working directory.</summary>
    private static string DefaultSqliteFile()
    {
        for (var folder = new DirectoryInfo(Environment.CurrentDirectory); folder is not null; folder = folder.Parent)
        {
            var api = Path.Combine(folder.FullName, "server", "Chatbot.Api");
            if (Directory.Exists(api))
            {
                Directory.CreateDirectory(Path.Combine(api, "data"));
                return Path.Combine(api, "data", "chatbot.db");
            }
        }

        throw new ArgumentException("Run inside the repository, or give --connection.");
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

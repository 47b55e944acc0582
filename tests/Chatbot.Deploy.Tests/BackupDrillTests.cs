using System.Net.Http.Json;
using Chatbot.Testing;
using Dongyang.Chat.Protocol;
using Npgsql;

namespace Chatbot.Deploy.Tests;

/// <summary>
/// backup.sh, restore.sh and restore-drill.sh against the real PostgreSQL 17 test server, with the server's own
/// version-17 client tools (from the provisioned root, or its image where a Docker engine runs).
/// </summary>
public sealed class BackupDrillTests : IAsyncLifetime
{
    private readonly string apiData = Directory.CreateTempSubdirectory("chatbot-api-").FullName;
    private readonly string backups = Directory.CreateTempSubdirectory("chatbot-backups-").FullName;
    private readonly string tools = Directory.CreateTempSubdirectory("chatbot-pgtools-").FullName;
    private string connectionString = "";
    private Dictionary<string, string> environment = [];

    public async Task InitializeAsync()
    {
        connectionString = await TestPostgres.CreateDatabaseAsync("backup");

        // Real data: the Api's own schema and conversations, and its vector index as the vector store.
        await using (var api = await ServerProcess.StartAsync("Chatbot.Api", "/api/health", new Dictionary<string, string>
        {
            ["Storage__DataDirectory"] = apiData,
            ["Database__Provider"] = "Postgres",
            ["ConnectionStrings__Chatbot"] = connectionString,
        }))
        {
            using var http = api.CreateSiteClient();
            foreach (var question in new[] { "보험금 청구는 어떻게 하나요?", "해지환급금이 뭐예요?", "보험계약대출 이자는요?" })
            {
                using var response = await http.PostAsJsonAsync("api/chat", new ChatRequest(question));
                response.EnsureSuccessStatusCode();
            }
        }

        // And a pgvector column, which must survive the round trip.
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                "CREATE TABLE drill_embeddings (id int PRIMARY KEY, embedding vector(3)); " +
                "INSERT INTO drill_embeddings SELECT i, ARRAY[i, i * 2, i * 3]::real[]::vector FROM generate_series(1, 250) AS i;", connection);
            await command.ExecuteNonQueryAsync();
        }

        var server = new NpgsqlConnectionStringBuilder(connectionString);
        environment = new Dictionary<string, string>
        {
            ["PATH"] = $"{tools}:{Environment.GetEnvironmentVariable("PATH")}",
            ["PGHOST"] = server.Host!,
            ["PGPORT"] = server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PGUSER"] = server.Username!,
            ["PGPASSWORD"] = server.Password!,
        };
        await WritePostgresToolsAsync();
    }

    public async Task DisposeAsync()
    {
        try
        {
            if (connectionString.Length > 0)
            {
                await TestPostgres.DropDatabaseAsync(connectionString);
            }
        }
        finally
        {
            foreach (var folder in new[] { apiData, backups, tools })
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    [Fact]
    public async Task Backup_then_restore_drill_restores_every_row_and_file_and_rotation_keeps_the_newest()
    {
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        var made = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var backup = await RunAsync("backup.sh", "--local", "--out", backups, "--keep", "2", "--database", database, "--vector-store", apiData);
            Assert.True(backup.ExitCode == 0, backup.ToString());
            made.Add(backup.Output.Trim());
            await Task.Delay(1100); // backups are named by the second
        }

        Assert.Equal(made[1..].Order(), Directory.EnumerateDirectories(backups).Order());
        var latest = made[^1];
        Assert.True(new FileInfo(Path.Combine(latest, "chatbot.dump")).Length > 0);
        Assert.Contains("ROLE", await File.ReadAllTextAsync(Path.Combine(latest, "globals.sql")), StringComparison.Ordinal);
        var counts = await File.ReadAllLinesAsync(Path.Combine(latest, "row-counts.tsv"));
        Assert.Contains("public.drill_embeddings\t250", counts);
        Assert.Contains(counts, line => line.StartsWith("public.messages\t", StringComparison.Ordinal) && !line.EndsWith("\t0", StringComparison.Ordinal));

        var drill = await RunAsync("restore-drill.sh", "--local", latest);

        Assert.True(drill.ExitCode == 0, drill.ToString());
        Assert.Contains("every count is equal", drill.Error, StringComparison.Ordinal);
        Assert.Matches(@"public\.drill_embeddings\s+250\s+250", drill.Output);
        Assert.Matches(@"vector_store files\s+(\d+)\s+\1", drill.Output);
        Assert.DoesNotContain("differs", drill.Output, StringComparison.Ordinal);
        Console.WriteLine(drill.Output);
    }

    [Fact]
    public async Task A_damaged_backup_is_refused_before_anything_is_restored()
    {
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        var backup = await RunAsync("backup.sh", "--local", "--out", backups, "--database", database);
        Assert.True(backup.ExitCode == 0, backup.ToString());
        var dump = Path.Combine(backup.Output.Trim(), "chatbot.dump");
        var bytes = await File.ReadAllBytesAsync(dump);
        bytes[^10] ^= 0xFF;
        await File.WriteAllBytesAsync(dump, bytes);

        var drill = await RunAsync("restore-drill.sh", "--local", backup.Output.Trim());

        Assert.NotEqual(0, drill.ExitCode);
        Assert.Contains("damaged", drill.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task As_an_unprivileged_user_with_settings_from_dotenv_backups_are_encrypted_restored_and_a_bad_drill_alerts()
    {
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        Tool.Require("age", "age");
        Tool.Require("setpriv", "util-linux");
        var deploy = Directory.CreateTempSubdirectory("chatbot-deploy-").FullName;
        try
        {
            var key = Path.Combine(deploy, "backup.key");
            var keygen = await Tool.RunAsync("age-keygen", ["-o", key]);
            Assert.True(keygen.ExitCode == 0, keygen.ToString());
            var recipient = (await File.ReadAllLinesAsync(key)).Single(l => l.StartsWith("# public key: ", StringComparison.Ordinal))["# public key: ".Length..];
            await File.WriteAllTextAsync(Path.Combine(deploy, "backup.pub"), recipient + "\n");
            var alerts = Path.Combine(deploy, "alerts.log");
            // The .env an operator writes: a relative BACKUP_DIR, quotes and a trailing comment, as compose reads them.
            await File.WriteAllTextAsync(Path.Combine(deploy, ".env"), $"""
                COMPOSE_PROJECT_NAME=chatbot
                POSTGRES_DB="{database}"
                BACKUP_DIR=./backups   # under the deploy folder
                BACKUP_KEEP=1
                BACKUP_AGE_RECIPIENTS_FILE={deploy}/backup.pub
                BACKUP_AGE_IDENTITY_FILE='{deploy}/backup.key'
                BACKUP_ALERT_COMMAND=cat >>{alerts}
                """);
            // The deploying user owns the deploy folder and nothing else: not /var/log, not /var/backups.
            await Tool.RunAsync("chown", ["-R", "65534:65534", deploy]);
            await Tool.RunAsync("chmod", ["755", tools]);

            var first = await RunAsUnprivilegedAsync("backup.sh", "--local", "--compose-dir", deploy);
            await Task.Delay(1100);
            var second = await RunAsUnprivilegedAsync("backup.sh", "--local", "--compose-dir", deploy);

            Assert.True(second.ExitCode == 0, second.ToString());
            var kept = Directory.GetDirectories(Path.Combine(deploy, "backups"));
            var backup = Assert.Single(kept);
            Assert.Equal(second.Output.Trim(), backup);
            Assert.True(File.Exists(Path.Combine(backup, "chatbot.dump.age")), string.Join(", ", Directory.GetFiles(backup)));
            Assert.False(File.Exists(Path.Combine(backup, "chatbot.dump")));
            Assert.False(File.Exists(Path.Combine(backup, "globals.sql")));
            Assert.True(first.ExitCode == 0, first.ToString());

            var drill = await RunAsUnprivilegedAsync("restore-drill.sh", "--local", "--compose-dir", deploy);
            Assert.True(drill.ExitCode == 0, drill.ToString());
            Assert.Matches(@"public\.drill_embeddings\s+250\s+250", drill.Output);
            Assert.False(File.Exists(alerts));

            // A backup whose contents no longer match what was recorded: the drill must fail loudly and alert.
            var counts = Path.Combine(backup, "row-counts.tsv");
            var lines = (await File.ReadAllLinesAsync(counts)).Select(l => l.StartsWith("public.drill_embeddings\t", StringComparison.Ordinal) ? "public.drill_embeddings\t251" : l);
            await File.WriteAllLinesAsync(counts, lines);
            await Tool.RunAsync("bash", ["-c", $"cd '{backup}' && sha256sum -- $(ls | grep -v SHA256SUMS) > SHA256SUMS"]);

            var failed = await RunAsUnprivilegedAsync("restore-drill.sh", "--local", "--compose-dir", deploy);

            Assert.Equal(1, failed.ExitCode);
            Assert.Matches(@"public\.drill_embeddings\s+251\s+250\s+<-- differs", failed.Output);
            Assert.Contains("!!! restore-drill.sh: restore drill FAILED", failed.Error, StringComparison.Ordinal);
            Assert.Contains("restore drill FAILED", await File.ReadAllTextAsync(alerts), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(deploy, recursive: true);
        }
    }

    [Fact]
    public async Task A_backup_folder_the_user_cannot_write_fails_at_once_with_the_command_that_fixes_it()
    {
        var deploy = Directory.CreateTempSubdirectory("chatbot-deploy-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(deploy, ".env"), "BACKUP_DIR=/var/backups/chatbot-test-unwritable\n");
            await Tool.RunAsync("chown", ["-R", "65534:65534", deploy]);
            await Tool.RunAsync("chmod", ["755", tools]);

            var backup = await RunAsUnprivilegedAsync("backup.sh", "--local", "--compose-dir", deploy);

            Assert.Equal(1, backup.ExitCode);
            Assert.Contains("cannot write to /var/backups/chatbot-test-unwritable", backup.Error, StringComparison.Ordinal);
            Assert.Contains("sudo install -d -m 700 -o nobody /var/backups/chatbot-test-unwritable", backup.Error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(deploy, recursive: true);
        }
    }

    /// <summary>
    /// A script run as uid 65534, as ec2-user's crontab would run it: it can write only what that user owns. The
    /// test's PostgreSQL tool shims enter the cached root with chroot, so the process keeps just the two capabilities
    /// they need (chroot, and reading the root under /root), never the right to write elsewhere.
    /// </summary>
    private Task<ToolResult> RunAsUnprivilegedAsync(string script, params string[] arguments) =>
        Tool.RunAsync(
            "setpriv",
            ["--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=+sys_chroot,+dac_read_search", "--ambient-caps=+sys_chroot,+dac_read_search",
             "bash", Path.Combine(RepositoryPaths.Root, "deploy", "scripts", script), .. arguments],
            environment,
            timeout: TimeSpan.FromMinutes(3));

    private Task<ToolResult> RunAsync(string script, params string[] arguments) =>
        Tool.RunAsync("bash", [Path.Combine(RepositoryPaths.Root, "deploy", "scripts", script), .. arguments], environment, timeout: TimeSpan.FromMinutes(3));

    /// <summary>pg_dump, pg_dumpall, pg_restore and psql of version 17, as the server has them.</summary>
    private async Task WritePostgresToolsAsync()
    {
        var root = Environment.GetEnvironmentVariable("CHATBOT_PG_ROOT") is { Length: > 0 } configured
            ? configured
            : Path.Combine(
                Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } cache ? cache : Path.Combine(Environment.GetEnvironmentVariable("HOME") ?? "/root", ".cache"),
                "dongyang-chat", "pg17-trixie-root");
        string launcher;
        if (File.Exists(Path.Combine(root, "usr/lib/postgresql/17/bin/pg_dump")))
        {
            launcher = $"exec chroot '{root}' /usr/bin/env -i PATH=/usr/lib/postgresql/17/bin:/usr/bin:/bin LANG=C.UTF-8 " +
                       "PGHOST=\"$PGHOST\" PGPORT=\"$PGPORT\" PGUSER=\"$PGUSER\" PGPASSWORD=\"$PGPASSWORD\"";
        }
        else if ((await Tool.RunAsync("docker", ["info"])).ExitCode == 0)
        {
            launcher = "exec docker run --rm -i --network host -e PGHOST -e PGPORT -e PGUSER -e PGPASSWORD pgvector/pgvector:pg17";
        }
        else
        {
            throw new InvalidOperationException($"No PostgreSQL 17 client tools: neither the root {root} (deploy/scripts/postgres-test-server.sh builds it) nor a Docker engine.");
        }

        foreach (var tool in new[] { "pg_dump", "pg_dumpall", "pg_restore", "psql" })
        {
            var path = Path.Combine(tools, tool);
            await File.WriteAllTextAsync(path, $"#!/bin/sh\n{launcher} {tool} \"$@\"\n");
            if (OperatingSystem.IsLinux())
            {
                File.SetUnixFileMode(path, (UnixFileMode)Convert.ToInt32("755", 8));
            }
        }
    }
}

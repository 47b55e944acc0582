using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace Chatbot.Api.Tests;

/// <summary>The console's audit log on the embedded default: SQLite itself refuses to change or remove a line.</summary>
public sealed class ConsoleAuditSqliteTests
{
    [Fact]
    public async Task The_audit_log_is_append_only_on_sqlite()
    {
        var data = Directory.CreateTempSubdirectory("chatbot-audit-").FullName;
        try
        {
            await using (var server = await ChatServer.StartAsync(data, new Dictionary<string, string>
            {
                ["Console__BootstrapAdminEmail"] = "admin@example.com",
                ["Console__BootstrapAdminPassword"] = "admin-pass-0123",
            }))
            {
                // Starting made the bootstrap admin, which is the first audit line.
            }

            await using var connection = new SqliteConnection($"Data Source={Path.Combine(data, "chatbot.db")};Pooling=False");
            await connection.OpenAsync();
            Assert.Equal(1L, await ScalarAsync(connection, "SELECT COUNT(*) FROM console_audit"));

            foreach (var statement in new[] { "UPDATE console_audit SET ActorName = 'someone else'", "DELETE FROM console_audit" })
            {
                var refused = await Assert.ThrowsAsync<SqliteException>(() => ScalarAsync(connection, statement));
                Assert.Contains("append-only", refused.Message, StringComparison.Ordinal);
            }

            await ScalarAsync(connection, "INSERT INTO console_audit (AtUtc, ActorName, Action) VALUES ('2026-12-04 00:00:00', 'test', 'test.insert')");
            Assert.Equal(2L, await ScalarAsync(connection, "SELECT COUNT(*) FROM console_audit"));
            Assert.Equal("system", await ScalarAsync(connection, "SELECT ActorName FROM console_audit WHERE Action = 'account.add'"));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task An_account_added_with_the_cli_is_audited_as_the_cli()
    {
        var data = Directory.CreateTempSubdirectory("chatbot-audit-cli-").FullName;
        try
        {
            await using (var server = await ChatServer.StartAsync(data))
            {
            }

            var database = Path.Combine(data, "chatbot.db");
            var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
            var cli = Path.Combine(RepositoryPaths.Root, "server", "Chatbot.Cli", "bin", configuration, "net10.0", "chatbot.dll");
            var start = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in new[] { cli, "users", "add", "cli-admin@example.com", "--role", "admin", "--connection", $"Data Source={database}" })
            {
                start.ArgumentList.Add(arg);
            }

            using var process = Process.Start(start)!;
            await process.StandardInput.WriteLineAsync("cli-admin-pass-0123");
            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
            Assert.True(process.ExitCode == 0, await output + await errors);

            await using var connection = new SqliteConnection($"Data Source={database};Pooling=False");
            await connection.OpenAsync();
            Assert.Equal("cli|cli-admin@example.com|role=admin", await ScalarAsync(connection, "SELECT ActorName || '|' || Target || '|' || Detail FROM console_audit WHERE Action = 'account.add'"));
            Assert.Equal(DBNull.Value, await ScalarAsync(connection, "SELECT ActorId FROM console_audit WHERE Action = 'account.add'"));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}

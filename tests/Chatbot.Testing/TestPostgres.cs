using System.Diagnostics;
using Npgsql;

namespace Chatbot.Testing;

/// <summary>
/// The real PostgreSQL 17 + pgvector server the tests run against. <c>CHATBOT_TEST_POSTGRES</c> names one; otherwise
/// deploy/scripts/postgres-test-server.sh starts one on loopback. When neither works the tests fail: they never skip.
/// </summary>
public static class TestPostgres
{
    public const string ConnectionVariable = "CHATBOT_TEST_POSTGRES";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? serverConnectionString;

    /// <summary>Creates an empty database with the vector extension and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string purpose)
    {
        var server = await EnsureServerAsync();
        var name = $"test_{purpose}_{Guid.NewGuid():N}".ToLowerInvariant();
        await using (var admin = new NpgsqlConnection(server))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
            await create.ExecuteNonQueryAsync();
        }

        var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = name, Pooling = true }.ConnectionString;
        await using (var database = new NpgsqlConnection(connectionString))
        {
            await database.OpenAsync();
            await using var extension = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS vector", database);
            await extension.ExecuteNonQueryAsync();
        }

        return connectionString;
    }

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/>.</summary>
    public static async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(await EnsureServerAsync());
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }

    public static async Task<string> EnsureServerAsync()
    {
        await Gate.WaitAsync();
        try
        {
            return serverConnectionString ??= Environment.GetEnvironmentVariable(ConnectionVariable) is { Length: > 0 } configured
                ? configured
                : await StartWithScriptAsync();
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task<string> StartWithScriptAsync()
    {
        var script = Path.Combine(RepositoryPaths.Root, "deploy", "scripts", "postgres-test-server.sh");
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add("start");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var connectionString = (await stdout).Trim();
        if (process.ExitCode != 0 || connectionString.Length == 0)
        {
            throw new InvalidOperationException(
                $"No PostgreSQL test server: set {ConnectionVariable} or make {script} work (exit {process.ExitCode}).\n{await stderr}");
        }

        return connectionString;
    }
}

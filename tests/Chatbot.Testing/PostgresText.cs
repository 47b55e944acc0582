using System.Text;
using Npgsql;

namespace Chatbot.Testing;

/// <summary>What a database holds as text, for assertions that something was never stored.</summary>
public static class PostgresText
{
    /// <summary>Every text, varchar and JSON value of every table in the public schema, one per line.</summary>
    public static async Task<string> DumpAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var columns = new List<(string Table, string Column)>();
        await using (var list = new NpgsqlCommand(
            """
            SELECT table_name, column_name FROM information_schema.columns
            WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'character', 'json', 'jsonb')
            ORDER BY table_name, ordinal_position
            """,
            connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                columns.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        var text = new StringBuilder();
        foreach (var (table, column) in columns)
        {
            await using var select = new NpgsqlCommand($"SELECT \"{column}\"::text FROM \"{table}\" WHERE \"{column}\" IS NOT NULL", connection);
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                text.Append(table).Append('.').Append(column).Append(": ").AppendLine(reader.GetString(0));
            }
        }

        return text.ToString();
    }
}

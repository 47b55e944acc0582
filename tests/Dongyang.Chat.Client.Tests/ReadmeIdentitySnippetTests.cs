using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace Dongyang.Chat.Client.Tests;

/// <summary>
/// README's identity-hash snippets for the partner's server, in C# and in Node, run as written: both give the hash the
/// server checks, hex(HMAC-SHA256(key: identity secret, message: user id)), and the expiring form signs "id.expiresAt".
/// </summary>
public sealed class ReadmeIdentitySnippetTests
{
    private const string Secret = "sk_test_3f9a1c";
    private const string UserId = "C-1024";

    [Fact]
    public async Task READMEs_CSharp_identity_hash_snippet_computes_the_hash_the_server_checks()
    {
        var snippet = Snippet("```csharp\nusing System.Security.Cryptography;");
        var work = Directory.CreateTempSubdirectory("dongyang-readme-cs-");
        try
        {
            var program = Path.Combine(work.FullName, "hash.cs");
            var usings = string.Join('\n', snippet.Split('\n').Where(l => l.StartsWith("using ", StringComparison.Ordinal)));
            var body = string.Join('\n', snippet.Split('\n').Where(l => !l.StartsWith("using ", StringComparison.Ordinal)));
            await File.WriteAllTextAsync(program, $$"""
                {{usings}}
                Console.WriteLine(ChatIdentityHash("{{Secret}}", "{{UserId}}"));
                var expiring = ChatIdentityHashExpiring("{{Secret}}", "{{UserId}}", TimeSpan.FromMinutes(10));
                Console.WriteLine($"{expiring.Hash} {expiring.ExpiresAt}");
                {{body}}
                """);

            var output = await PackedSdk.DotnetAsync(work.FullName, null, "run", program);

            AssertHashes(output);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task READMEs_Node_identity_hash_snippet_computes_the_hash_the_server_checks()
    {
        var snippet = Snippet("```js\nconst { createHmac } = require(\"node:crypto\");");
        var start = new ProcessStartInfo("node") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"'node' is missing ({e.Message}): tests/test.sh installs it.", e);
        }

        using (process)
        {
            await process.StandardInput.WriteAsync($$"""
                {{snippet}}
                console.log(chatIdentityHash("{{Secret}}", "{{UserId}}"));
                const expiring = chatIdentityHashExpiring("{{Secret}}", "{{UserId}}", 600);
                console.log(`${expiring.hash} ${expiring.expiresAt}`);
                """);
            process.StandardInput.Close();
            var output = await process.StandardOutput.ReadToEndAsync();
            var errors = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, $"node exited {process.ExitCode}: {errors}");
            AssertHashes(output);
        }
    }

    private static void AssertHashes(string output)
    {
        var lines = output.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(Hash(UserId), lines[^2]);
        var parts = lines[^1].Split(' ');
        var expiresAt = long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expiresAt - DateTimeOffset.UtcNow.ToUnixTimeSeconds(), 300, 900);
        Assert.Equal(Hash($"{UserId}.{expiresAt}"), parts[0]);
    }

    private static string Hash(string message) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(message)));

    private static string Snippet(string opening)
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md")).ReplaceLineEndings("\n");
        var start = readme.IndexOf(opening, StringComparison.Ordinal);
        Assert.True(start >= 0, $"README should show a snippet opening with {opening}");
        start = readme.IndexOf('\n', start) + 1;
        return readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)];
    }
}

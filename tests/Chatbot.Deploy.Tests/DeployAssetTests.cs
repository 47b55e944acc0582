using System.Text.RegularExpressions;
using Chatbot.Testing;

namespace Chatbot.Deploy.Tests;

/// <summary>The deployment assets pass real validators: docker-compose, a Dockerfile linter and shellcheck.</summary>
public sealed partial class DeployAssetTests
{
    private static readonly string Deploy = Path.Combine(RepositoryPaths.Root, "deploy");

    [Fact]
    public async Task Compose_file_is_valid_with_the_example_settings_and_defines_the_designed_stack()
    {
        var compose = Tool.Require("docker-compose", "Debian package docker-compose");
        var folder = CopyComposeProject();
        try
        {
            var config = await Tool.RunAsync(compose, ["-f", "docker-compose.yml", "--profile", "redis", "config"], workingDirectory: folder);
            var services = await Tool.RunAsync(compose, ["-f", "docker-compose.yml", "--profile", "redis", "config", "--services"], workingDirectory: folder);

            Assert.True(config.ExitCode == 0, config.ToString());
            Assert.Equal(["ai", "api", "nginx", "postgres", "redis"], services.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(s => s != "certbot").Order());
            var text = config.Output;
            Assert.Contains("pgvector/pgvector:pg17", text, StringComparison.Ordinal);
            Assert.Contains("name: chatbot-network", text, StringComparison.Ordinal);
            Assert.Contains("condition: service_healthy", text, StringComparison.Ordinal);
            Assert.Contains("POSTGRES_PASSWORD_FILE: /run/secrets/postgres_password", text, StringComparison.Ordinal);
            Assert.Contains("memory: 2G", text, StringComparison.Ordinal);
            Assert.Matches(@"cpus: '?1(\.0)?'?", text);
            Assert.Contains("vector_store:/app/data", text.Replace("source: vector_store\n        target: /app/data", "vector_store:/app/data", StringComparison.Ordinal), StringComparison.Ordinal);
            Assert.DoesNotContain("POSTGRES_PASSWORD:", text, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Blue_green_colour_file_is_valid_and_runs_the_same_api_as_the_main_stack()
    {
        var compose = Tool.Require("docker-compose", "Debian package docker-compose");
        var folder = CopyComposeProject();
        try
        {
            File.Copy(Path.Combine(Deploy, "docker-compose.api-color.yml"), Path.Combine(folder, "docker-compose.api-color.yml"));
            var colour = await Tool.RunAsync(compose, ["-f", "docker-compose.api-color.yml", "config"], new Dictionary<string, string> { ["COLOR"] = "green" }, folder);
            var main = await Tool.RunAsync(compose, ["-f", "docker-compose.yml", "config"], workingDirectory: folder);

            Assert.True(colour.ExitCode == 0, colour.ToString());
            Assert.Contains("- api-green", colour.Output, StringComparison.Ordinal);
            Assert.Equal(Section(main.Output, "api", "environment"), Section(colour.Output, "api", "environment"));
            Assert.Equal(Section(main.Output, "api", "image"), Section(colour.Output, "api", "image"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Every_setting_the_compose_file_reads_is_documented_in_env_example()
    {
        var compose = await File.ReadAllTextAsync(Path.Combine(Deploy, "docker-compose.yml"));
        var example = await File.ReadAllLinesAsync(Path.Combine(Deploy, ".env.example"));

        var documented = example.Select(l => EnvLine().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToHashSet();
        var used = ComposeVariable().Matches(compose).Select(m => m.Groups[1].Value).ToHashSet();

        Assert.Empty(used.Except(documented));
        for (var i = 0; i < example.Length; i++)
        {
            if (EnvLine().IsMatch(example[i]))
            {
                // Each setting, or each group of related settings, has a comment right above it.
                var above = i - 1;
                while (above >= 0 && EnvLine().IsMatch(example[above]))
                {
                    above--;
                }

                Assert.True(above >= 0 && example[above].StartsWith('#'), $"{example[i]} has no comment above it.");
            }
        }
    }

    [Theory]
    [InlineData("api.Dockerfile", "Chatbot.Api.dll")]
    [InlineData("ai.Dockerfile", "Chatbot.Ai.dll")]
    [InlineData("nginx.Dockerfile", "nginx-health")]
    public async Task Dockerfile_passes_the_linter_and_is_multi_stage_with_a_healthcheck(string dockerfile, string probe)
    {
        var lint = Tool.Require("dockerfile-utils", "npm package dockerfile-utils (npm install -g dockerfile-utils)");
        var path = Path.Combine(Deploy, "docker", dockerfile);

        var result = await Tool.RunAsync(lint, ["lint", path]);

        Assert.True(result.ExitCode == 0 && result.Output.Trim().Length == 0, result.ToString());
        var text = await File.ReadAllTextAsync(path);
        Assert.True(Regex.Count(text, "^FROM ", RegexOptions.Multiline) >= 2, "multi-stage");
        Assert.Matches($"HEALTHCHECK .*{Regex.Escape(probe)}", text);
        Assert.DoesNotMatch(@"(?m)^[^#]*\bcurl\b", text);
        if (dockerfile != "nginx.Dockerfile")
        {
            Assert.Contains("USER app", text, StringComparison.Ordinal);
            Assert.Contains("--healthcheck", text, StringComparison.Ordinal);
            // The restore layer comes from the project files only, before the sources are copied, so it stays cached.
            Assert.Contains("COPY --from=projects", text, StringComparison.Ordinal);
            Assert.True(text.IndexOf("dotnet restore", StringComparison.Ordinal) < text.LastIndexOf("COPY . .", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Every_script_passes_shellcheck()
    {
        var shellcheck = Tool.Require("shellcheck", "Debian package shellcheck");
        var scripts = Directory.EnumerateFiles(Path.Combine(Deploy, "scripts"), "*.sh", SearchOption.AllDirectories)
            .Append(Path.Combine(RepositoryPaths.Root, ".ci", "run"))
            .Append(Path.Combine(RepositoryPaths.Root, "tests", "Chatbot.Deploy.Tests", "local-runtime.sh"))
            .ToList();

        var result = await Tool.RunAsync(shellcheck, ["--severity=style", "--external-sources", "--source-path=SCRIPTDIR", .. scripts]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(scripts, s => s.EndsWith("deploy.sh", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Every_script_documents_itself_with_help()
    {
        foreach (var script in Directory.EnumerateFiles(Path.Combine(Deploy, "scripts"), "*.sh").Where(s => !s.EndsWith("postgres-test-server.sh", StringComparison.Ordinal)))
        {
            var help = await Tool.RunAsync("bash", [script, "--help"]);
            Assert.True(help.ExitCode == 0 && help.Output.Contains("Usage:", StringComparison.Ordinal), $"{script}: {help}");
        }
    }

    /// <summary>The lines of one key of one service in normalized 'config' output.</summary>
    private static string Section(string config, string service, string key)
    {
        var lines = config.Split('\n');
        var start = Array.FindIndex(lines, l => l == $"  {service}:");
        var keyLine = Array.FindIndex(lines, start + 1, l => l.StartsWith($"    {key}:", StringComparison.Ordinal));
        Assert.True(start >= 0 && keyLine > start, $"no {service}.{key} in:\n{config}");
        var section = new List<string> { lines[keyLine] };
        section.AddRange(lines.Skip(keyLine + 1).TakeWhile(l => l.StartsWith("      ", StringComparison.Ordinal)));
        return string.Join('\n', section);
    }

    [Fact]
    public async Task Init_secrets_writes_every_secret_the_stack_mounts_once_and_never_overwrites_them()
    {
        var folder = CopyComposeProject();
        Directory.Delete(Path.Combine(folder, "secrets"), recursive: true);
        try
        {
            var script = Path.Combine(Deploy, "scripts", "init-secrets.sh");
            var first = await Tool.RunAsync("bash", [script, "--compose-dir", folder]);
            var adminKey = File.ReadAllText(Path.Combine(folder, "secrets", "admin_api_key.txt"));
            var second = await Tool.RunAsync("bash", [script, "--compose-dir", folder]);

            Assert.True(first.ExitCode == 0, first.ToString());
            Assert.True(second.ExitCode == 0, second.ToString());
            var compose = await File.ReadAllTextAsync(Path.Combine(folder, "docker-compose.yml"));
            foreach (Match mounted in Regex.Matches(compose, @"file: \./secrets/([a-z_]+\.txt)"))
            {
                Assert.True(File.Exists(Path.Combine(folder, "secrets", mounted.Groups[1].Value)), $"init-secrets.sh does not write {mounted.Groups[1].Value}");
            }

            Assert.Matches("^[A-Za-z0-9]{40}$", adminKey);
            Assert.Equal(adminKey, File.ReadAllText(Path.Combine(folder, "secrets", "admin_api_key.txt")));
            Assert.Contains("Admin__ApiKey", compose, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string CopyComposeProject()
    {
        var folder = Directory.CreateTempSubdirectory("chatbot-compose-").FullName;
        File.Copy(Path.Combine(Deploy, "docker-compose.yml"), Path.Combine(folder, "docker-compose.yml"));
        File.Copy(Path.Combine(Deploy, ".env.example"), Path.Combine(folder, ".env"));
        Directory.CreateDirectory(Path.Combine(folder, "secrets"));
        foreach (var secret in new[] { "postgres_password", "chatbot_connection_string", "openai_api_key", "admin_api_key", "user_id_key" })
        {
            File.WriteAllText(Path.Combine(folder, "secrets", secret + ".txt"), "placeholder");
        }

        return folder;
    }

    [GeneratedRegex(@"^([A-Z][A-Z0-9_]*)=")]
    private static partial Regex EnvLine();

    [GeneratedRegex(@"\$\{([A-Z][A-Z0-9_]*)")]
    private static partial Regex ComposeVariable();
}

using System.Text.RegularExpressions;
using Chatbot.Testing;

namespace Chatbot.Deploy.Tests;

/// <summary>The deployment assets pass real validators: docker-compose, a Dockerfile linter and shellcheck.</summary>
public sealed partial class DeployAssetTests
{
    private static readonly string Deploy = Path.Combine(RepositoryPaths.Root, "deploy");

    /// <summary>The optional observability profile's services.</summary>
    private static readonly string[] ObservabilityServices = ["grafana", "jaeger", "otel-collector", "prometheus"];

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
            Assert.Equal(["ai", "api", "nginx", "postgres", "redis"], services.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(s => s != "certbot" && !ObservabilityServices.Contains(s)).Order());
            var text = config.Output;
            Assert.Contains("pgvector/pgvector:pg17", text, StringComparison.Ordinal);
            Assert.Contains("name: chatbot-network", text, StringComparison.Ordinal);
            Assert.Contains("condition: service_healthy", text, StringComparison.Ordinal);
            Assert.Contains("POSTGRES_PASSWORD_FILE: /run/secrets/postgres_password", text, StringComparison.Ordinal);
            Assert.Matches(@"cpus: '?1(\.0)?'?", text);
            // The knowledge index is in pgvector, fed the same connection string as the api; nothing seeds the dev key.
            Assert.Contains("Rag__VectorStore: Postgres", text, StringComparison.Ordinal);
            Assert.Contains("Sites__SeedLocalKey: 'false'", text.Replace("\"false\"", "'false'", StringComparison.Ordinal), StringComparison.Ordinal);
            Assert.Contains("Logging__Console__FormatterName: json", text, StringComparison.Ordinal);
            Assert.Equal(2, Regex.Count(text, "target: ConnectionStrings__Chatbot"));
            // The api calls the ai with a shared service key (Ai:ServiceKey): one secret, mounted in both.
            Assert.Equal(2, Regex.Count(text, @"source: ai_service_key\s+target: Ai__ServiceKey"));

            Assert.Contains("file: ./secrets/ai_service_key.txt", await File.ReadAllTextAsync(Path.Combine(folder, "docker-compose.yml")), StringComparison.Ordinal);
            Assert.Contains("vector_store:/app/data", text.Replace("source: vector_store\n        target: /app/data", "vector_store:/app/data", StringComparison.Ordinal), StringComparison.Ordinal);
            Assert.DoesNotContain("POSTGRES_PASSWORD:", text, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Every_service_has_a_memory_cap_and_a_rolling_update_fits_the_suggested_4_GiB_host()
    {
        var compose = Tool.Require("docker-compose", "Debian package docker-compose");
        var folder = CopyComposeProject();
        try
        {
            string[] profiles = ["--profile", "redis", "--profile", "certbot", "--profile", "observability"];
            var config = await Tool.RunAsync(compose, ["-f", "docker-compose.yml", .. profiles, "config"], workingDirectory: folder);
            var services = await Tool.RunAsync(compose, ["-f", "docker-compose.yml", .. profiles, "config", "--services"], workingDirectory: folder);
            Assert.True(config.ExitCode == 0, config.ToString());

            var caps = ServiceMemoryCaps(config.Output);
            Assert.Equal(services.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(), caps.Keys.Order());
            // deploy.sh runs a second api or a second ai beside the first while it rolls.
            var steady = caps["nginx"] + caps["api"] + caps["ai"] + caps["postgres"];
            var rolling = steady + Math.Max(caps["api"], caps["ai"]);
            Assert.True(rolling <= 3.5 * 1024, $"a rolling update needs {rolling} MiB of a 4 GiB host's memory");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Each service's deploy.resources.limits.memory in MiB, from a rendered compose file.</summary>
    private static Dictionary<string, double> ServiceMemoryCaps(string config)
    {
        var caps = new Dictionary<string, double>(StringComparer.Ordinal);
        string? service = null;
        foreach (var line in config.Split('\n'))
        {
            if (ServiceLine().Match(line) is { Success: true } name)
            {
                service = name.Groups[1].Value;
            }
            else if (service is not null && MemoryLine().Match(line) is { Success: true } memory)
            {
                var value = double.Parse(memory.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                caps[service] = memory.Groups[2].Value.ToUpperInvariant() switch
                {
                    "G" => value * 1024,
                    "M" => value,
                    _ => value / (1024 * 1024),
                };
            }
            else if (line.Length > 0 && !line.StartsWith(' '))
            {
                service = null;
            }
        }

        return caps;
    }

    [Fact]
    public async Task The_observability_profile_collects_from_both_services_and_its_dashboard_plots_metrics_the_code_records()
    {
        var compose = Tool.Require("docker-compose", "Debian package docker-compose");
        var folder = CopyComposeProject();
        try
        {
            Directory.CreateDirectory(Path.Combine(folder, "observability"));
            var config = await Tool.RunAsync(compose, ["-f", "docker-compose.yml", "--profile", "observability", "config", "--services"], workingDirectory: folder);
            Assert.True(config.ExitCode == 0, config.ToString());
            Assert.Superset(new HashSet<string> { "otel-collector", "jaeger", "prometheus", "grafana" }, config.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToHashSet());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        var collector = await File.ReadAllTextAsync(Path.Combine(Deploy, "observability", "otel-collector.yaml"));
        Assert.Contains("endpoint: 0.0.0.0:4318", collector, StringComparison.Ordinal);
        Assert.Contains("endpoint: jaeger:4317", collector, StringComparison.Ordinal);
        Assert.Contains("otel-collector:8889", await File.ReadAllTextAsync(Path.Combine(Deploy, "observability", "prometheus.yml")), StringComparison.Ordinal);

        // Every metric the dashboard queries is one the api or the engine records (OTLP names, as Prometheus spells
        // them: dots become underscores, seconds get _seconds, counters _total), or one of the framework's.
        var recorded = Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, "server"), "*Telemetry.cs", SearchOption.AllDirectories)
            .SelectMany(file => Regex.Matches(File.ReadAllText(file), @"Create(Counter|Histogram|UpDownCounter)<\w+>\(\s*""([a-z0-9._]+)"",\s*""([^""]*)""").Cast<Match>())
            .Select(m => PrometheusName(m.Groups[2].Value, m.Groups[3].Value, m.Groups[1].Value))
            .Append("signalr_server_active_connections")
            .ToHashSet(StringComparer.Ordinal);
        using var dashboard = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Deploy, "observability", "grafana", "dashboards", "dongyang-chat.json")));
        var queried = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(panel => panel.GetProperty("targets").EnumerateArray())
            .SelectMany(target => Regex.Matches(target.GetProperty("expr").GetString()!, @"\b(chatbot_[a-z0-9_]+|signalr_[a-z0-9_]+)").Cast<Match>())
            .Select(m => Regex.Replace(m.Groups[1].Value, "_(bucket|sum|count)$", ""))
            .ToHashSet(StringComparer.Ordinal);
        Assert.NotEmpty(queried);
        Assert.Empty(queried.Except(recorded));
    }

    private static string PrometheusName(string name, string unit, string kind) =>
        name.Replace('.', '_') + (unit == "s" ? "_seconds" : "") + (kind == "Counter" ? "_total" : "");

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
            Assert.Equal(Section(main.Output, "api", "secrets"), Section(colour.Output, "api", "secrets"));
            // The ai answers the host the api reaches it by (AI_SERVER_URL's default, http://ai:8000) and its health check's.
            Assert.Contains("AllowedHosts: ai;127.0.0.1;localhost", Section(main.Output, "ai", "environment"), StringComparison.Ordinal);
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
            var serviceKey = File.ReadAllText(Path.Combine(folder, "secrets", "ai_service_key.txt"));
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
            Assert.Matches("^[A-Za-z0-9]{48}$", serviceKey);
            Assert.Equal(serviceKey, File.ReadAllText(Path.Combine(folder, "secrets", "ai_service_key.txt")));
            Assert.Contains("Admin__ApiKey", compose, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task The_bootstrap_installs_a_release_binary_only_when_its_sha256_matches()
    {
        var release = Directory.CreateTempSubdirectory("chatbot-release-").FullName;
        try
        {
            var binary = Path.Combine(release, "docker-compose-linux-x86_64");
            await File.WriteAllTextAsync(binary, "#!/bin/sh\necho 'Docker Compose version v2.39.2'\n");
            var sha = (await Tool.RunAsync("sha256sum", [binary])).Output.Split(' ')[0];
            await File.WriteAllTextAsync(Path.Combine(release, "checksums.txt"), $"{new string('0', 64)} *docker-compose-linux-aarch64\n{sha} *docker-compose-linux-x86_64\n");
            var target = Path.Combine(release, "plugins", "docker-compose");

            Task<ToolResult> Install(string expected) => Tool.RunAsync("bash", ["-c",
                $". '{Deploy}/scripts/lib/verified-download.sh'; log() {{ echo \"$*\" >&2; }}; die() {{ echo \"error: $*\" >&2; exit 1; }}; " +
                $"install_verified 'file://{binary}' '{target}' '{expected}' 'file://{release}/checksums.txt'"]);

            var published = await Install("");
            Assert.True(published.ExitCode == 0, published.ToString());
            Assert.True(File.Exists(target));
            File.Delete(target);

            var pinned = await Install(sha.ToUpperInvariant());
            Assert.True(pinned.ExitCode == 0, pinned.ToString());
            File.Delete(target);

            // A binary that is not the one the checksum names (a tampered mirror, a truncated download) is never installed.
            var wrong = await Install(new string('a', 64));
            Assert.Equal(1, wrong.ExitCode);
            Assert.Contains("checksum mismatch for docker-compose-linux-x86_64", wrong.Error, StringComparison.Ordinal);
            Assert.False(File.Exists(target));

            await File.AppendAllTextAsync(binary, "tampered\n");
            var tampered = await Install("");
            Assert.Equal(1, tampered.ExitCode);
            Assert.Contains("Nothing was installed", tampered.Error, StringComparison.Ordinal);
            Assert.False(File.Exists(target));
        }
        finally
        {
            Directory.Delete(release, recursive: true);
        }
    }

    private static string CopyComposeProject()
    {
        var folder = Directory.CreateTempSubdirectory("chatbot-compose-").FullName;
        File.Copy(Path.Combine(Deploy, "docker-compose.yml"), Path.Combine(folder, "docker-compose.yml"));
        File.Copy(Path.Combine(Deploy, ".env.example"), Path.Combine(folder, ".env"));
        Directory.CreateDirectory(Path.Combine(folder, "secrets"));
        foreach (var secret in new[] { "postgres_password", "chatbot_connection_string", "openai_api_key", "admin_api_key", "grafana_admin_password", "user_id_key", "ai_service_key" })
        {
            File.WriteAllText(Path.Combine(folder, "secrets", secret + ".txt"), "placeholder");
        }

        return folder;
    }

    [GeneratedRegex(@"^  ([a-z][a-z0-9_-]*):$")]
    private static partial Regex ServiceLine();

    [GeneratedRegex(@"^\s+memory: '?([0-9.]+)([GgMm]?)[Bb]?'?$")]
    private static partial Regex MemoryLine();

    [GeneratedRegex(@"^([A-Z][A-Z0-9_]*)=")]
    private static partial Regex EnvLine();

    [GeneratedRegex(@"\$\{([A-Z][A-Z0-9_]*)")]
    private static partial Regex ComposeVariable();
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Chatbot.Testing;
using Dongyang.Chat.Protocol;

namespace Chatbot.Deploy.Tests;

/// <summary>
/// deploy.sh's switch-and-drain, for real: two local api processes behind the local nginx (the production config),
/// a steady bounded request loop through nginx, and deploy.sh rolling from the first api to a second one. The runtime
/// is local-runtime.sh (processes instead of containers); everything else is deploy.sh as it runs on the host.
/// </summary>
public sealed class DeployScriptTests : IAsyncLifetime
{
    private readonly string aiData = Directory.CreateTempSubdirectory("chatbot-ai-").FullName;
    private readonly string apiData = Directory.CreateTempSubdirectory("chatbot-api-").FullName;
    private readonly string state = Directory.CreateTempSubdirectory("chatbot-deploy-").FullName;
    private string connectionString = "";
    private ServerProcess ai = null!;
    private ServerProcess oldApi = null!;
    private NginxProxy nginx = null!;

    public async Task InitializeAsync()
    {
        connectionString = await TestPostgres.CreateDatabaseAsync("deploy");
        ai = await Services.StartAiAsync(aiData);
        oldApi = await Services.StartApiAsync(connectionString, ai.BaseAddress, apiData);
        nginx = await NginxProxy.StartAsync($"127.0.0.1:{oldApi.BaseAddress.Port}");
        await File.WriteAllTextAsync(Path.Combine(state, $"{oldApi.BaseAddress.Port}.pid"), oldApi.ProcessId.ToString(CultureInfo.InvariantCulture));
    }

    public async Task DisposeAsync()
    {
        foreach (var pidFile in Directory.EnumerateFiles(state, "*.pid"))
        {
            var pid = int.Parse(await File.ReadAllTextAsync(pidFile), CultureInfo.InvariantCulture);
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
        }

        await nginx.DisposeAsync();
        await oldApi.DisposeAsync();
        await ai.DisposeAsync();
        await TestPostgres.DropDatabaseAsync(connectionString);
        foreach (var folder in new[] { aiData, apiData, state })
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Rolling_the_api_under_a_steady_request_loop_fails_no_request()
    {
        var newPort = Tool.FreePort();
        using var loopStop = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var loop = RequestLoopAsync(loopStop.Token);

        var deploy = await RunDeployAsync(newPort, healthTimeoutSeconds: 120);

        await Task.Delay(TimeSpan.FromSeconds(1));
        await loopStop.CancelAsync();
        var (succeeded, failures) = await loop;

        Assert.True(deploy.ExitCode == 0, deploy.ToString());
        Assert.True(failures.Count == 0, $"{failures.Count} failed requests of {succeeded + failures.Count}:\n{string.Join('\n', failures.Take(20))}\n{deploy}");
        // The loop really spanned the switch: nginx's log shows requests answered by the old api and by the new one.
        var access = await File.ReadAllLinesAsync(Path.Combine(nginx.Prefix, "logs", "access.log"));
        var byOld = access.Count(l => l.EndsWith($"upstream=127.0.0.1:{oldApi.BaseAddress.Port}", StringComparison.Ordinal));
        var byNew = access.Count(l => l.EndsWith($"upstream=127.0.0.1:{newPort}", StringComparison.Ordinal));
        Assert.True(byOld > 0 && byNew > 0, $"answered by the old api: {byOld}, by the new one: {byNew}");
        Assert.True(oldApi.HasExited, "the old api was not stopped");
        Assert.Equal([newPort.ToString(CultureInfo.InvariantCulture)], Directory.EnumerateFiles(state, "*.pid").Select(Path.GetFileNameWithoutExtension));
        Assert.Contains($"127.0.0.1:{newPort}", await File.ReadAllTextAsync(nginx.UpstreamFile), StringComparison.Ordinal);
        Assert.Contains("api: done", deploy.Error, StringComparison.Ordinal);
        Console.WriteLine($"deploy.sh api: {succeeded} requests through nginx ({byOld} by the old api, {byNew} by the new), {failures.Count} failed");
    }

    [Fact]
    public async Task A_new_api_that_never_becomes_healthy_is_removed_and_the_old_one_keeps_serving()
    {
        var newPort = Tool.FreePort();
        var upstreamBefore = await File.ReadAllTextAsync(nginx.UpstreamFile);

        // An unknown database provider makes the new api exit at start, as a broken release would.
        var deploy = await RunDeployAsync(newPort, healthTimeoutSeconds: 120, new Dictionary<string, string> { ["Database__Provider"] = "Oracle" });

        Assert.Equal(1, deploy.ExitCode);
        Assert.Contains("the old container keeps serving", deploy.Error, StringComparison.Ordinal);
        Assert.Equal(upstreamBefore, await File.ReadAllTextAsync(nginx.UpstreamFile));
        Assert.False(oldApi.HasExited);
        Assert.Equal([oldApi.BaseAddress.Port.ToString(CultureInfo.InvariantCulture)], Directory.EnumerateFiles(state, "*.pid").Select(Path.GetFileNameWithoutExtension));
        using var http = Services.InsecureHttpClient(nginx.HttpsBase);
        Assert.Equal("""{"status":"UP"}""", await http.GetStringAsync(new Uri("/api/health", UriKind.Relative)));
    }

    private Task<ToolResult> RunDeployAsync(int newPort, int healthTimeoutSeconds, IReadOnlyDictionary<string, string>? overrides = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["LOCAL_STATE"] = state,
            ["LOCAL_API_DLL"] = Path.Combine(ServerProcess.OutputDirectory("Chatbot.Api"), "Chatbot.Api.dll"),
            ["LOCAL_API_CONTENT_ROOT"] = Path.Combine(RepositoryPaths.Root, "server", "Chatbot.Api"),
            ["LOCAL_NEXT_PORT"] = newPort.ToString(CultureInfo.InvariantCulture),
            ["NGINX_TEST_CMD"] = nginx.TestCommand,
            ["NGINX_RELOAD_CMD"] = nginx.ReloadCommand,
            ["LOCAL_GATE_URL"] = new Uri(nginx.HttpsBase, "/api/health/ready").ToString(),
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Storage__DataDirectory"] = apiData,
            ["Database__Provider"] = "Postgres",
            ["ConnectionStrings__Chatbot"] = connectionString,
            ["AI_SERVER_URL"] = ai.BaseAddress.ToString(),
            ["Ai__ServiceKey"] = Services.AiServiceKey,
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        return Tool.RunAsync("bash", [
            Path.Combine(RepositoryPaths.Root, "deploy", "scripts", "deploy.sh"),
            "--runtime", Path.Combine(RepositoryPaths.Root, "tests", "Chatbot.Deploy.Tests", "local-runtime.sh"),
            "--upstream-file", nginx.UpstreamFile,
            "--drain", "3", "--stop-timeout", "20", "--health-timeout", healthTimeoutSeconds.ToString(CultureInfo.InvariantCulture),
            "api"],
            environment,
            timeout: TimeSpan.FromMinutes(4));
    }

    /// <summary>Health probes at about 20 per second and a chat question every half second, until stopped.</summary>
    private async Task<(int Succeeded, List<string> Failures)> RequestLoopAsync(CancellationToken stop)
    {
        using var http = Services.InsecureHttpClient(nginx.HttpsBase);
        var failures = new List<string>();
        var succeeded = 0;
        var tick = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var response = tick++ % 10 == 0
                    ? await http.PostAsJsonAsync("api/chat", new ChatRequest("보험료를 못 내면 어떻게 되나요?"), CancellationToken.None)
                    : await http.GetAsync(new Uri("/api/health", UriKind.Relative), CancellationToken.None);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    succeeded++;
                }
                else
                {
                    failures.Add($"{DateTime.UtcNow:HH:mm:ss.fff} {response.RequestMessage?.RequestUri?.AbsolutePath} -> {(int)response.StatusCode}");
                }
            }
            catch (HttpRequestException e)
            {
                failures.Add($"{DateTime.UtcNow:HH:mm:ss.fff} {e.Message}");
            }

            try
            {
                await Task.Delay(50, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return (succeeded, failures);
    }
}

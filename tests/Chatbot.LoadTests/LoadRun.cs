using System.Globalization;
using System.Text.Json;
using Chatbot.Testing;

namespace Chatbot.LoadTests;

/// <summary>
/// One benchmark run: the chat server (started here, or given with --url) under the customer pattern, then the bare
/// SignalR echo hub under the same pattern, then the comparison. Every server started here is stopped here.
/// </summary>
internal sealed class LoadRun(LoadOptions options, TextWriter output)
{
    public const int UsageExitCode = 2;
    public const int SetupFailedExitCode = 3;
    public const int HardTimeoutExitCode = 4;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public async Task<int> RunAsync()
    {
        using var hardStop = new CancellationTokenSource(options.Timeout);
        List<string> questions;
        try
        {
            questions = ReadQuestions(options.QuestionsFile ?? Path.Combine(RepositoryPaths.Root, "samples", "eval", "questions.jsonl"));
        }
        catch (Exception e) when (e is IOException or JsonException or InvalidOperationException or KeyNotFoundException)
        {
            await output.WriteLineAsync($"Setup failed: cannot read the questions: {e.Message}");
            return SetupFailedExitCode;
        }

        var pattern = new CustomerPattern(options, questions);
        await WriteHeaderAsync(questions.Count);

        var ours = await RunChatAsync(pattern, hardStop.Token);
        if (ours is null)
        {
            return SetupFailedExitCode;
        }

        if (options.Baseline && !hardStop.IsCancellationRequested)
        {
            var pieces = Math.Max(1, (int)Math.Round(ours.Pattern.MeanPieces));
            var pieceLength = Math.Max(1, (int)Math.Round(ours.Pattern.MeanCharacters / pieces));
            if (ours.Pattern.Completed == 0)
            {
                (pieces, pieceLength) = (20, 20);
            }

            var echo = await RunEchoAsync(pattern, pieces, pieceLength, hardStop.Token);
            if (echo is null)
            {
                return SetupFailedExitCode;
            }

            await WriteComparisonAsync(ours, echo, pieces, pieceLength);
        }

        if (hardStop.IsCancellationRequested)
        {
            await output.WriteLineAsync($"HARD TIMEOUT: the run was stopped after {options.Timeout.TotalSeconds:0} s; the figures above are partial.");
            return HardTimeoutExitCode;
        }

        return 0;
    }

    private static List<string> ReadQuestions(string path)
    {
        var questions = File.ReadLines(path)
            .Where(line => line.Trim().Length > 0)
            .Select(line =>
            {
                using var document = JsonDocument.Parse(line);
                return document.RootElement.GetProperty("question").GetString() ?? "";
            })
            .Where(q => q.Length > 0)
            .ToList();
        return questions.Count > 0 ? questions : throw new InvalidOperationException($"{path} holds no questions.");
    }

    private async Task<Measured?> RunChatAsync(CustomerPattern pattern, CancellationToken hardStop)
    {
        FakeOpenAiServer? modelServer = null;
        FakeModel? model = null;
        ChatServer? server = null;
        string? database = null;
        try
        {
            Uri url;
            int? pid;
            if (options.Url is { } given)
            {
                url = given;
                pid = options.ServerPid;
                await output.WriteLineAsync($"Chat server: {url} (already running; its own answerer; pid {(pid?.ToString(Invariant) ?? "not given, so no memory figures")})");
            }
            else
            {
                if (options.Answerer == AnswererMode.FakeLlm)
                {
                    model = new FakeModel(options.TokenRate);
                    modelServer = await FakeOpenAiServer.StartAsync();
                    modelServer.Reply = model.Reply;
                }

                var settings = ServerSettings(modelServer);
                if (options.Postgres)
                {
                    database = await TestPostgres.CreateDatabaseAsync("load").WaitAsync(hardStop);
                    settings["Database__Provider"] = "Postgres";
                    settings["ConnectionStrings__Chatbot"] = database;
                }

                server = await ChatServer.StartAsync(settings: settings).WaitAsync(hardStop);
                url = server.BaseAddress;
                pid = server.ProcessId;
                await output.WriteLineAsync($"Chat server: Chatbot.Api started from {ChatServer.ApiOutputDirectory}, pid {pid}, {url}");
                await output.WriteLineAsync("  rate limits raised for the load (RateLimits:*), Limits:MaxMessagesPerConversation ≥ 2 × questions");
                await output.WriteLineAsync($"  database: {(options.Postgres ? "a fresh PostgreSQL database on the test server (vector index embedded)" : "the embedded SQLite file")}");
                foreach (var (key, value) in options.ServerSettings)
                {
                    await output.WriteLineAsync($"  setting {key}={value}");
                }
                if (modelServer is not null)
                {
                    await output.WriteLineAsync($"  answers from a fake OpenAI-wire model at {modelServer.BaseUrl} (in the load tool's process), {options.TokenRate.ToString("0.##", Invariant)} tokens/s, 1 token = 2 characters; offline embeddings");
                }
            }

            var measured = await MeasureAsync("Chatbot.Api over Dongyang.Chat.Client", pid, pattern, ct => ChatCustomer.ConnectAsync(url, options.SiteKey, ct), hardStop);
            await WriteRunAsync(measured);
            if (model is not null)
            {
                await output.WriteLineAsync($"  fake model               {model.Requests} chat requests (warm-up included), mean {model.MeanTokens:0} tokens = {model.MeanStreamingTime.TotalMilliseconds:0} ms of streaming per answer; {modelServer!.EmbeddingRequests.Count} embedding requests");
            }

            if (server is not null)
            {
                await WriteServerLogAsync(server.Output);
                if (options.ServerLog is { } logFile)
                {
                    await File.WriteAllTextAsync(logFile, server.Output, hardStop);
                    await output.WriteLineAsync($"  server output written to {logFile}");
                }
            }

            return measured with { ModelStreaming = model?.MeanStreamingTime };
        }
        catch (Exception e) when (e is not OperationCanceledException || hardStop.IsCancellationRequested)
        {
            await output.WriteLineAsync($"Setup failed: the chat server could not be started or reached: {e.Message}");
            return null;
        }
        finally
        {
            if (server is not null)
            {
                await server.DisposeAsync();
                TryDelete(server.DataDirectory);
            }

            if (modelServer is not null)
            {
                await modelServer.DisposeAsync();
            }

            if (database is not null)
            {
                await TestPostgres.DropDatabaseAsync(database);
            }
        }
    }

    private async Task<Measured?> RunEchoAsync(CustomerPattern pattern, int pieces, int pieceLength, CancellationToken hardStop)
    {
        ServerProcess? echo = null;
        try
        {
            await output.WriteLineAsync();
            echo = await ServerProcess.StartAsync(
                "Chatbot.LoadTests",
                EchoServer.HealthPath,
                outputDirectory: AppContext.BaseDirectory,
                arguments: [EchoServer.Command]).WaitAsync(hardStop);
            await output.WriteLineAsync($"Baseline: a bare SignalR echo hub (this tool re-launched as '{EchoServer.Command}', minimal Kestrel), pid {echo.ProcessId}, {echo.BaseAddress}");
            await output.WriteLineAsync($"  each question streams back {pieces} pieces of {pieceLength} characters (the chat server's mean answer above), with no work behind them");
            var url = echo.BaseAddress;
            var measured = await MeasureAsync("bare SignalR echo hub over the plain SignalR client", echo.ProcessId, pattern, ct => EchoCustomer.ConnectAsync(url, pieces, pieceLength, ct), hardStop);
            await WriteRunAsync(measured);
            return measured;
        }
        catch (Exception e) when (e is not OperationCanceledException || hardStop.IsCancellationRequested)
        {
            await output.WriteLineAsync($"Setup failed: the echo baseline could not be started: {e.Message}");
            return null;
        }
        finally
        {
            if (echo is not null)
            {
                await echo.DisposeAsync();
            }
        }
    }

    private static async Task<Measured> MeasureAsync(string name, int? pid, CustomerPattern pattern, Func<CancellationToken, Task<ICustomerConnection>> connect, CancellationToken hardStop)
    {
        // One question before the clock starts, so first-request costs (JIT, pools) are not counted as load.
        await using (var warmUp = await connect(hardStop))
        {
            await warmUp.AskAsync("보험금 청구는 어떻게 하나요?", hardStop);
        }

        var loadBefore = LoadAverage();
        var ownCpuBefore = ProcessMetrics.ReadCpuSeconds(Environment.ProcessId);
        var metrics = pid is { } id ? ProcessMetrics.Start(id) : null;
        PatternResult result;
        ProcessFigures? figures = null;
        try
        {
            result = await pattern.RunAsync(connect, hardStop);
        }
        finally
        {
            if (metrics is not null)
            {
                figures = await metrics.StopAsync();
                await metrics.DisposeAsync();
            }
        }

        var ownCpu = ProcessMetrics.ReadCpuSeconds(Environment.ProcessId) - ownCpuBefore;
        return new Measured(name, result, figures, loadBefore, LoadAverage(), null, ownCpu);
    }

    private Dictionary<string, string> ServerSettings(FakeOpenAiServer? model)
    {
        var settings = new Dictionary<string, string>
        {
            // One machine plays every customer from 127.0.0.1 under one site key: the per-IP and per-site budgets
            // would measure the limiter, not the server.
            ["RateLimits__PerIp"] = "1000000",
            ["RateLimits__PerSite"] = "10000000",
            ["RateLimits__HubPerConnection"] = "1000000",
            ["RateLimits__HubPerSite"] = "10000000",
            ["RateLimits__HubPerIp"] = "1000000",
            ["RateLimits__MaxConnectionsPerIp"] = "1000000",
            ["RateLimits__MaxConcurrentAnswersPerConnection"] = "10000",
            ["RateLimits__MaxConcurrentAnswersPerIp"] = "1000000",
            ["Limits__MaxMessagesPerConversation"] = Math.Clamp((2 * options.Questions) + 2, 200, 100_000).ToString(Invariant),
        };
        foreach (var (key, value) in options.ServerSettings)
        {
            settings[key] = value;
        }

        if (model is not null)
        {
            settings["Ai__OpenAI__BaseUrl"] = model.BaseUrl.ToString();
            settings["Ai__OpenAI__ApiKey"] = "sk-load-test-local";
            settings["Ai__OpenAI__MaxRetries"] = "0";

            // Retrieval stays exactly as offline, so the two modes differ only in who writes the answer.
            settings["Ai__OpenAI__EmbeddingModel"] = "";
        }

        return settings;
    }

    private async Task WriteHeaderAsync(int questionCount)
    {
        await output.WriteLineAsync("Dongyang Chat load benchmark");
        await output.WriteLineAsync($"  {options.Customers} customers × {options.Questions} questions, think time {options.ThinkMin.TotalMilliseconds:0}–{options.ThinkMax.TotalMilliseconds:0} ms, ramp {options.Ramp.TotalSeconds:0.#} s, seed {options.Seed}, {questionCount} Korean questions");
        await output.WriteLineAsync($"  answerer: {(options.Url is not null ? "the running server's" : options.Answerer == AnswererMode.Offline ? "offline (embedded default, extractive)" : $"fake-llm at {options.TokenRate.ToString("0.##", Invariant)} tokens/s")}");
        await output.WriteLineAsync($"  limits: no new question after {options.Duration.TotalSeconds:0} s, {options.AnswerTimeout.TotalSeconds:0} s per answer, {options.Timeout.TotalSeconds:0} s for the whole run");
        await output.WriteLineAsync($"  machine: {Environment.ProcessorCount} cores; everything on loopback; clients, servers and the fake model share these cores");
        await output.WriteLineAsync();
    }

    private async Task WriteRunAsync(Measured measured)
    {
        var r = measured.Pattern;
        var errors = r.Errors;
        var errorCount = errors.Values.Sum();
        await output.WriteLineAsync($"== {measured.Name}");
        await output.WriteLineAsync($"  load average             {measured.LoadBefore} before, {measured.LoadAfter} after");
        await output.WriteLineAsync($"  customers connected      {r.Connected} of {r.Customers}");
        await output.WriteLineAsync($"  answers                  {r.Completed} completed of {r.Answers.Count} asked in {r.Elapsed.TotalSeconds:0.0} s");
        await output.WriteLineAsync($"  answers per second       {r.AnswersPerSecond:0.00}");
        await output.WriteLineAsync($"  time to first token      {Percentiles(r.FirstPieceMilliseconds, 50, 95, 99)}   (ask → first delta)");
        await output.WriteLineAsync($"  full answer              {Percentiles(r.CompleteMilliseconds, 50, 95, 99)}   (ask → completed)");
        await output.WriteLineAsync($"  errors                   {errorCount}{(errorCount > 0 ? "  (" + string.Join(", ", errors.Select(e => $"{e.Key} {e.Value}")) + ")" : "")}");
        var failures = r.ConnectionFailures.Values.Sum();
        await output.WriteLineAsync($"  connection failures      {failures}{(failures > 0 ? "  (" + string.Join(", ", r.ConnectionFailures.Select(e => $"{e.Key} {e.Value}")) + ")" : "")}");
        await output.WriteLineAsync($"  reconnects               {r.Reconnects}");
        await output.WriteLineAsync($"  typical answer           {r.MeanPieces:0.#} pieces, {r.MeanCharacters:0} characters");
        if (measured.Server is { } server)
        {
            await output.WriteLineAsync($"  server peak memory       {Megabytes(server.PeakRssKb)} RSS (sampled every {ProcessMetrics.SampleInterval.TotalMilliseconds:0} ms), VmHWM {Megabytes(server.HighWaterKb)} (the kernel's peak since start)");
            var perAnswer = server.CpuSeconds is { } cpu && r.Completed > 0 ? $" = {cpu * 1000 / r.Completed:0.0} ms per answer" : "";
            await output.WriteLineAsync($"  server CPU               {(server.CpuSeconds is { } s ? $"{s:0.0} s" : "n/a")}{perAnswer}; peak {server.PeakThreads?.ToString(Invariant) ?? "n/a"} OS threads");
        }
        else
        {
            await output.WriteLineAsync("  server peak memory       n/a (give --server-pid with --url)");
        }

        if (measured.ClientCpuSeconds is { } clientCpu)
        {
            var hostsModel = options.Url is null && options.Answerer == AnswererMode.FakeLlm && measured.Name.StartsWith("Chatbot", StringComparison.Ordinal);
            await output.WriteLineAsync($"  load tool CPU            {clientCpu:0.0} s over {r.Elapsed.TotalSeconds:0} s ({(hostsModel ? "the simulated customers and the fake model" : "the simulated customers")})");
        }
    }

    private async Task WriteServerLogAsync(string log)
    {
        var lines = log.Split('\n');
        var warnings = lines.Where(l => l.StartsWith("warn:", StringComparison.Ordinal)).ToList();
        var failures = lines.Where(l => l.StartsWith("fail:", StringComparison.Ordinal) || l.StartsWith("crit:", StringComparison.Ordinal)).ToList();
        await output.WriteLineAsync($"  server log               {warnings.Count} warnings, {failures.Count} errors");
        foreach (var line in failures.Concat(warnings).Select(l => l.Length > 160 ? l[..160] + "…" : l.TrimEnd()).Distinct().Take(5))
        {
            await output.WriteLineAsync($"    {line}");
        }
    }

    private async Task WriteComparisonAsync(Measured ours, Measured echo, int pieces, int pieceLength)
    {
        var o = ours.Pattern;
        var e = echo.Pattern;
        var ratio = e.AnswersPerSecond > 0 ? o.AnswersPerSecond / e.AnswersPerSecond : double.NaN;
        var ourP50 = Percentile(o.CompleteMilliseconds, 50);
        var echoP50 = Percentile(e.CompleteMilliseconds, 50);
        await output.WriteLineAsync();
        await output.WriteLineAsync("== Ours against the baseline");
        await output.WriteLineAsync($"  throughput ratio         {ratio:0.00}  (ours {o.AnswersPerSecond:0.00} ÷ echo {e.AnswersPerSecond:0.00} answers per second)");
        await output.WriteLineAsync($"  full answer p50          ours {Millis(ourP50)}, echo {Millis(echoP50)}: {Millis(ourP50 - echoP50)} per answer is the chat server's own work beyond SignalR");
        if (ours.ModelStreaming is { } streaming)
        {
            await output.WriteLineAsync($"                           of which about {streaming.TotalMilliseconds:0} ms is the fake model streaming its answer; the rest, {Millis(ourP50 - echoP50 - streaming.TotalMilliseconds)}, is our overhead");
        }

        if (ours.Server?.CpuSeconds is { } ourCpu && echo.Server?.CpuSeconds is { } echoCpu && o.Completed > 0 && e.Completed > 0)
        {
            await output.WriteLineAsync($"  server CPU per answer    ours {ourCpu * 1000 / o.Completed:0.0} ms, echo {echoCpu * 1000 / e.Completed:0.0} ms");
        }

        await output.WriteLineAsync("  What the ratio means: both runs replay the same customers, questions and think times (same seed), and the");
        await output.WriteLineAsync($"  echo hub streams back the same {pieces} pieces of {pieceLength} characters per answer without doing anything.");
        await output.WriteLineAsync("  Customers wait for each answer before thinking again, so answers per second = customers ÷ (think + answer time).");
        await output.WriteLineAsync("  1.00 means the chat server keeps the customers' pace as well as a server that does nothing; 0.80 means its answers");
        await output.WriteLineAsync("  take long enough to stretch each customer's cycle by a quarter. With think time the ratio stays near 1 until the");
        await output.WriteLineAsync("  server saturates; a falling ratio as customers grow is the sign. Run with --think-ms 0-0 to compare raw capacity.");
    }

    private static string Percentiles(IReadOnlyList<double> sorted, params int[] percentiles) => sorted.Count == 0
        ? "n/a"
        : string.Join(" · ", percentiles.Select(p => $"p{p} {Millis(Percentile(sorted, p))}"));

    /// <summary>Nearest-rank percentile of an ascending list.</summary>
    private static double Percentile(IReadOnlyList<double> sorted, int percentile) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(percentile / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static string Millis(double milliseconds) => double.IsNaN(milliseconds)
        ? "n/a"
        : Math.Abs(milliseconds) >= 10_000 ? $"{milliseconds / 1000:0.0} s" : $"{milliseconds:0} ms";

    private static string Megabytes(long? kilobytes) => kilobytes is { } kb ? $"{kb / 1024.0:0} MB" : "n/a";

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A temporary folder left behind is not worth failing the run for.
        }
    }

    private sealed record Measured(string Name, PatternResult Pattern, ProcessFigures? Server, string LoadBefore, string LoadAfter, TimeSpan? ModelStreaming, double? ClientCpuSeconds);
}

using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Chatbot.Ai.Contracts;
using Chatbot.Rag.Answering;
using Chatbot.Rag.Knowledge;
using Chatbot.Rag.Retrieval;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Chatbot.Benchmarks;

/// <summary>
/// What one offline answer costs the server: the embedded engine (the one-command default) over the sample corpus,
/// answering every question of a question file in turn on one thread, after a warm-up. Prints CPU time and bytes
/// allocated per answer, for the whole answer and for retrieval alone, so the hot stage is visible.
/// </summary>
internal sealed class AnswerCostBenchmark(AnswerCostBenchmark.Options options)
{
    public async Task RunAsync()
    {
        var data = Directory.CreateTempSubdirectory("chatbot-answer-cost-").FullName;
        try
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Rag:DataDirectory"] = data,
                ["Rag:KnowledgePath"] = Path.GetFullPath(options.Corpus),
            }).Build();
            await using var services = new ServiceCollection().AddLogging()
                .AddLocalKnowledgeBase(configuration, Environment.CurrentDirectory).BuildServiceProvider();
            var synced = await services.GetRequiredService<IKnowledgeBase>().SyncAsync(null, default);
            if (synced.Problem is { } problem)
            {
                throw new InvalidOperationException($"The corpus could not be ingested: {problem.Detail}");
            }

            var answerer = services.GetRequiredService<IChatAnswerer>();
            var retriever = services.GetRequiredService<KnowledgeRetriever>();
            var questions = ReadQuestions(options.Questions);
            Console.WriteLine($"Offline answer cost: {questions.Count} questions of {options.Questions} over {options.Corpus}, {options.Rounds} rounds after 1 warm-up round, one thread");
            Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, server GC {System.Runtime.GCSettings.IsServerGC}, load average {VectorSearchBenchmark.LoadAverage()}");

            await MeasureAsync(questions, q => AnswerAsync(answerer, q), 1);
            var answer = await MeasureAsync(questions, q => AnswerAsync(answerer, q), options.Rounds);
            var retrieval = await MeasureAsync(questions, q => retriever.RetrieveAsync(q), options.Rounds);

            Console.WriteLine();
            Console.WriteLine($"{"stage",-10} {"answers",8} {"CPU ms/answer",14} {"wall p50 ms",12} {"wall p95 ms",12} {"alloc KB mean",14} {"alloc KB p50",13} {"alloc KB p95",13}");
            Console.WriteLine(answer.Row("answer"));
            Console.WriteLine(retrieval.Row("retrieval"));
            Console.WriteLine();
            Console.WriteLine("Targets (issue 15): CPU <= 3 ms and allocation <= 100 KB per offline answer.");
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task AnswerAsync(IChatAnswerer answerer, string question)
    {
        await foreach (var _ in answerer.AnswerAsync(question))
        {
        }
    }

    private static async Task<Cost> MeasureAsync(IReadOnlyList<string> questions, Func<string, Task> work, int rounds)
    {
        var wall = new List<double>();
        var allocated = new List<long>();
        var process = Process.GetCurrentProcess();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        process.Refresh();
        var cpuBefore = process.TotalProcessorTime;
        for (var round = 0; round < rounds; round++)
        {
            foreach (var question in questions)
            {
                var bytes = GC.GetTotalAllocatedBytes(precise: false);
                var clock = Stopwatch.GetTimestamp();
                await work(question);
                wall.Add(Stopwatch.GetElapsedTime(clock).TotalMilliseconds);
                allocated.Add(GC.GetTotalAllocatedBytes(precise: false) - bytes);
            }
        }

        process.Refresh();
        return new Cost(wall, allocated, (process.TotalProcessorTime - cpuBefore).TotalMilliseconds / wall.Count);
    }

    private static List<string> ReadQuestions(string path) =>
        [.. File.ReadLines(path)
            .Where(line => !string.IsNullOrWhiteSpace(line))
            .Select(line => JsonDocument.Parse(line).RootElement.GetProperty("question").GetString()!)];

    private sealed record Cost(List<double> Wall, List<long> Allocated, double CpuPerAnswer)
    {
        public string Row(string stage)
        {
            var wall = Wall.Order().ToList();
            var kb = Allocated.Select(b => b / 1024.0).Order().ToList();
            return string.Create(CultureInfo.InvariantCulture,
                $"{stage,-10} {Wall.Count,8} {CpuPerAnswer,14:0.00} {At(wall, 0.5),12:0.00} {At(wall, 0.95),12:0.00} {kb.Average(),14:0.0} {At(kb, 0.5),13:0.0} {At(kb, 0.95),13:0.0}");
        }

        private static double At(List<double> sorted, double quantile) => sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(quantile * sorted.Count))];
    }

    public sealed class Options
    {
        public string Corpus { get; set; } = "samples/knowledge";

        public string Questions { get; set; } = "samples/eval/questions.jsonl";

        public int Rounds { get; set; } = 5;
    }
}

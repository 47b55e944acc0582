using System.Diagnostics;
using System.Globalization;
using System.Text;
using Chatbot.Rag.Embeddings;
using Chatbot.Rag.Ingestion;
using Chatbot.Rag.VectorStores;
using Chatbot.Testing;

namespace Chatbot.Benchmarks;

/// <summary>
/// Loads synthetic chunks (random unit 384-dimension vectors, Korean text drawn from an insurance vocabulary with a
/// Zipf-like skew) into each store and measures the ingestion rate, the bytes written, the process's memory and hybrid
/// search latency at top 5, and how much of the exact (embedded) top 5 pgvector finds.
/// </summary>
internal sealed class VectorSearchBenchmark(VectorSearchBenchmark.Options options)
{
    private static readonly string[] Vocabulary =
    [
        "보험금", "청구", "서류", "보험료", "납입", "연체", "해지", "환급금", "보험계약대출", "이자", "한도", "면책기간", "암진단", "수술",
        "입원", "통원", "실손의료비", "특약", "주계약", "피보험자", "계약자", "수익자", "변경", "부활", "실효", "갱신", "만기", "보장",
        "진단금", "사망보험금", "재해", "질병", "상해", "장해", "지급", "심사", "서명", "신분증", "진단서", "영수증", "고지의무", "위반",
        "보험기간", "공시이율", "적립금", "중도인출", "자동이체", "카드납부", "모바일", "홈페이지", "고객센터", "상담", "영업일", "접수",
        "가지급보험금", "감액", "납입면제", "연금", "종신보험", "정기보험", "어린이보험", "치아", "치료", "약관", "조항", "제3조", "제15조",
    ];

    private static readonly string[] Particles = ["", "", "은", "는", "이", "가", "을", "를", "의", "에", "으로", "에서", "도"];

    private static readonly string[] Products = ["medical", "cancer", "whole-life", "common"];
    private static readonly string[] Types = ["terms", "faq", "guide"];

    private readonly Dictionary<int, List<string[]>> _exactTopFive = [];

    public async Task RunAsync()
    {
        Console.WriteLine($"Chunk store benchmark: {IngestedChunk.VectorDimensions}-dim vectors, hybrid search at top 5, {options.Queries} queries after 20 warm-up");
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, load average {LoadAverage()}");
        Console.WriteLine("load = writing every chunk through ReplaceDocumentsAsync (embedded: batches of 250 documents, one log append + fsync each; pgvector: one bulk call, binary COPY, indexes built after)");
        Console.WriteLine("written/MB = bytes the store wrote per MB of chunk text (embedded: log bytes; pgvector: database growth); top-5 = share of the exact (embedded) top 5 found");
        Console.WriteLine();
        Console.WriteLine($"{"store",-10} {"chunks",9} {"load s",8} {"chunks/s",9} {"written/MB",11} {"RSS MB",7} {"hybrid p50",11} {"hybrid p95",11} {"top-5",6}");
        foreach (var size in options.Sizes)
        {
            foreach (var store in options.Stores)
            {
                var result = store switch
                {
                    "embedded" => await RunEmbeddedAsync(size),
                    "pgvector" => await RunPgVectorAsync(size),
                    _ => throw new ArgumentException($"Unknown store {store}; use embedded or pgvector."),
                };
                Console.WriteLine(result);
            }
        }
    }

    private async Task<string> RunEmbeddedAsync(int size)
    {
        var folder = Directory.CreateTempSubdirectory("chatbot-bench-").FullName;
        try
        {
            using var store = new EmbeddedVectorStoreCollection(Path.Combine(folder, EmbeddedVectorStoreCollection.DefaultFileName));
            return await MeasureAsync("embedded", store, size, options.BatchSize, () => Task.FromResult(store.BytesWritten));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private async Task<string> RunPgVectorAsync(int size)
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync("bench");
        try
        {
            using var store = new PgVectorCollection(connectionString);
            await store.EnsureSchemaAsync();
            return await MeasureAsync("pgvector", store, size, size, () => DatabaseSizeAsync(connectionString));
        }
        finally
        {
            if (Environment.GetEnvironmentVariable("CHATBOT_BENCH_KEEP_DATABASE") == "1")
            {
                Console.Error.WriteLine($"Kept {connectionString}");
            }
            else
            {
                await TestPostgres.DropDatabaseAsync(connectionString);
            }
        }
    }

    private async Task<string> MeasureAsync(string name, IDocumentChunkStore store, int size, int batchSize, Func<Task<long>> bytesWritten)
    {
        var random = new Random(20261126);
        var writtenBefore = await bytesWritten();
        long textBytes = 0;
        var load = Stopwatch.StartNew();
        for (var start = 0; start < size; start += batchSize)
        {
            var chunks = Enumerable.Range(start, Math.Min(batchSize, size - start)).Select(i => SyntheticChunk(random, i)).ToList();
            textBytes += chunks.Sum(c => (long)Encoding.UTF8.GetByteCount(c.Text));
            var documents = chunks.GroupBy(c => c.DocumentId).Select(g => new DocumentChunks(g.Key, g.ToList())).ToList();
            await store.ReplaceDocumentsAsync(documents);
        }

        load.Stop();
        var writtenPerMb = (await bytesWritten() - writtenBefore) / (textBytes / 1e6);
        // An aggressive collection returns freed memory to the system, so RSS shows what the store keeps.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var rss = Process.GetCurrentProcess().WorkingSet64 / 1e6;
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name} {size}: managed heap {GC.GetTotalMemory(false) / 1e6:F0} MB, RSS {rss:F0} MB"));

        var queries = Enumerable.Range(0, options.Queries + 20).Select(_ => (Vector: RandomUnitVector(random), Keywords: QueryKeywords(random))).ToList();
        var hybrid = new List<double>();
        var topFive = new List<string[]>();
        for (var i = 0; i < queries.Count; i++)
        {
            var (queryVector, keywords) = queries[i];
            var watch = Stopwatch.StartNew();
            var hits = await store.HybridSearchAsync(queryVector, keywords, 5);
            watch.Stop();
            if (hits.Count != 5)
            {
                throw new InvalidOperationException($"{name}: a hybrid search returned {hits.Count} results, not 5.");
            }

            if (i >= 20)
            {
                hybrid.Add(watch.Elapsed.TotalMilliseconds);
                topFive.Add([.. hits.Select(h => h.Chunk.Key)]);
            }
        }

        var agreement = "";
        if (name == "embedded")
        {
            _exactTopFive[size] = topFive;
            agreement = "exact";
        }
        else if (_exactTopFive.TryGetValue(size, out var exact))
        {
            var found = exact.Zip(topFive).Sum(p => p.First.Intersect(p.Second).Count());
            agreement = string.Create(CultureInfo.InvariantCulture, $"{100.0 * found / (5 * exact.Count):F1}%");
        }

        return string.Create(
            CultureInfo.InvariantCulture,
            $"{name,-10} {size,9} {load.Elapsed.TotalSeconds,8:F1} {size / load.Elapsed.TotalSeconds,9:F0} {writtenPerMb / 1e6,8:F1} MB {rss,7:F0} {Percentile(hybrid, 0.50),8:F1} ms {Percentile(hybrid, 0.95),8:F1} ms {agreement,6}");
    }

    private static async Task<long> DatabaseSizeAsync(string connectionString)
    {
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT pg_database_size(current_database())", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    internal static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static IngestedChunk SyntheticChunk(Random random, int i)
    {
        var text = new StringBuilder();
        var words = random.Next(25, 60);
        for (var w = 0; w < words; w++)
        {
            text.Append(ZipfWord(random)).Append(Particles[random.Next(Particles.Length)]).Append(w % 9 == 8 ? ". " : " ");
        }

        var document = i / 20;
        return new IngestedChunk
        {
            Key = string.Create(CultureInfo.InvariantCulture, $"doc{document}#{i % 20}"),
            DocumentId = string.Create(CultureInfo.InvariantCulture, $"doc{document}"),
            DocumentTitle = string.Create(CultureInfo.InvariantCulture, $"문서 {document}"),
            DocumentType = Types[document % Types.Length],
            Product = Products[document % Products.Length],
            Section = string.Create(CultureInfo.InvariantCulture, $"제{i % 20 + 1}조({ZipfWord(random)})"),
            Ordinal = i % 20,
            Text = text.ToString(),
            DocumentHash = "synthetic",
            Vector = RandomUnitVector(random),
        };
    }

    private static string ZipfWord(Random random)
    {
        // Rank r is drawn with weight ~1/r: a few words are everywhere (like 보험금), most are rare.
        var harmonic = 0.0;
        for (var r = 1; r <= Vocabulary.Length; r++)
        {
            harmonic += 1.0 / r;
        }

        var target = random.NextDouble() * harmonic;
        for (var r = 1; r <= Vocabulary.Length; r++)
        {
            target -= 1.0 / r;
            if (target <= 0)
            {
                return Vocabulary[r - 1];
            }
        }

        return Vocabulary[^1];
    }

    private static string[] QueryKeywords(Random random) =>
        [.. Enumerable.Range(0, random.Next(2, 4)).Select(_ => Vocabulary[random.Next(Vocabulary.Length)])];

    private static float[] RandomUnitVector(Random random)
    {
        var vector = new float[IngestedChunk.VectorDimensions];
        double norm = 0;
        for (var d = 0; d < vector.Length; d++)
        {
            // Box-Muller: a Gaussian per dimension gives directions uniform on the sphere.
            var gaussian = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            vector[d] = (float)gaussian;
            norm += gaussian * gaussian;
        }

        var scale = (float)(1 / Math.Sqrt(norm));
        for (var d = 0; d < vector.Length; d++)
        {
            vector[d] *= scale;
        }

        return vector;
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    internal sealed class Options
    {
        public IReadOnlyList<int> Sizes { get; set; } = [10_000, 100_000];

        public int Queries { get; set; } = 200;

        public int BatchSize { get; set; } = 5_000;

        public IReadOnlyList<string> Stores { get; set; } = ["embedded", "pgvector"];
    }
}

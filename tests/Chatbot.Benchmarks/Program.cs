using System.Globalization;
using Chatbot.Benchmarks;

// Usage: dotnet run -c Release --project tests/Chatbot.Benchmarks -- vector-search [--sizes 10000,100000] [--queries 200] [--stores embedded,pgvector]
if (args.Length == 0 || args[0] != "vector-search")
{
    Console.Error.WriteLine("Usage: Chatbot.Benchmarks vector-search [--sizes 10000,100000] [--queries 200] [--batch 5000] [--stores embedded,pgvector]");
    Console.Error.WriteLine("PostgreSQL: CHATBOT_TEST_POSTGRES, or deploy/scripts/postgres-test-server.sh is started.");
    return 2;
}

var options = new VectorSearchBenchmark.Options();
for (var i = 1; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--sizes":
            options.Sizes = [.. args[i + 1].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))];
            break;
        case "--queries":
            options.Queries = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            break;
        case "--batch":
            options.BatchSize = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            break;
        case "--stores":
            options.Stores = [.. args[i + 1].Split(',')];
            break;
        default:
            Console.Error.WriteLine($"Unknown option {args[i]}");
            return 2;
    }
}

await new VectorSearchBenchmark(options).RunAsync();
return 0;

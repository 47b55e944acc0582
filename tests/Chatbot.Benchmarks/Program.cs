using System.Globalization;
using Chatbot.Benchmarks;

// Usage:
//   dotnet run -c Release --project tests/Chatbot.Benchmarks -- vector-search [--sizes 10000,100000] [--queries 200] [--batch 5000] [--stores embedded,pgvector]
//   dotnet run -c Release --project tests/Chatbot.Benchmarks -- answer-cost [--corpus samples/knowledge] [--questions samples/eval/questions.jsonl] [--rounds 5]
switch (args.FirstOrDefault())
{
    case "vector-search":
        return await VectorSearchAsync(args);
    case "answer-cost":
        return await AnswerCostAsync(args);
    default:
        Console.Error.WriteLine("Usage: Chatbot.Benchmarks vector-search [--sizes 10000,100000] [--queries 200] [--batch 5000] [--stores embedded,pgvector]");
        Console.Error.WriteLine("       Chatbot.Benchmarks answer-cost [--corpus samples/knowledge] [--questions samples/eval/questions.jsonl] [--rounds 5]");
        Console.Error.WriteLine("PostgreSQL (vector-search): CHATBOT_TEST_POSTGRES, or deploy/scripts/postgres-test-server.sh is started.");
        return 2;
}

static async Task<int> VectorSearchAsync(string[] args)
{
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
}

static async Task<int> AnswerCostAsync(string[] args)
{
    var options = new AnswerCostBenchmark.Options();
    for (var i = 1; i + 1 < args.Length; i += 2)
    {
        switch (args[i])
        {
            case "--corpus":
                options.Corpus = args[i + 1];
                break;
            case "--questions":
                options.Questions = args[i + 1];
                break;
            case "--rounds":
                options.Rounds = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
                break;
            default:
                Console.Error.WriteLine($"Unknown option {args[i]}");
                return 2;
        }
    }

    await new AnswerCostBenchmark(options).RunAsync();
    return 0;
}

using Chatbot.Rag.Ingestion.Isolation;

await using var input = Console.OpenStandardInput();
await using var output = Console.OpenStandardOutput();
return await DocumentWorker.RunAsync(args, input, output, Console.Error);

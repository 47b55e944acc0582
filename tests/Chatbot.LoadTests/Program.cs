using Chatbot.LoadTests;

// Usage: dotnet run -c Release --project tests/Chatbot.LoadTests -- --customers 50 --questions 5 [--answerer offline|fake-llm] ...
// The tool re-launches itself with "echo-server" to run the baseline hub in its own process.
if (args.Length > 0 && args[0] == EchoServer.Command)
{
    await EchoServer.RunAsync(args[1..]);
    return 0;
}

if (!LoadOptions.TryParse(args, out var options, out var problem))
{
    await Console.Error.WriteLineAsync(problem);
    await Console.Error.WriteLineAsync(LoadOptions.Usage);
    return LoadRun.UsageExitCode;
}

return await new LoadRun(options, Console.Out).RunAsync();

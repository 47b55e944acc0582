using System.CommandLine;
using Chatbot.Cli.Commands;

var root = new RootCommand("Dongyang Chat operator tools: ingest knowledge and evaluate answers.")
{
    IngestCommand.Create(),
    EvalCommand.Create(),
};

return await root.Parse(args).InvokeAsync();

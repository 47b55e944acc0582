using System.CommandLine;
using Chatbot.Cli.Commands;
using Chatbot.Cli.Sites;

var root = new RootCommand("Dongyang Chat operator tools: ingest knowledge, evaluate answers and manage partner sites.")
{
    IngestCommand.Create(),
    EvalCommand.Create(),
    SitesCommand.Create(),
};

return await root.Parse(args).InvokeAsync();

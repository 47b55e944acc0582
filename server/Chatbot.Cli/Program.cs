using System.CommandLine;
using Chatbot.Cli.Commands;
using Chatbot.Cli.Sites;
using Chatbot.Cli.Users;

var root = new RootCommand("Dongyang Chat operator tools: ingest knowledge, evaluate answers, manage partner sites and console accounts.")
{
    IngestCommand.Create(),
    EvalCommand.Create(),
    SitesCommand.Create(),
    UsersCommand.Create(),
};

return await root.Parse(args).InvokeAsync();

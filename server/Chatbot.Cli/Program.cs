using System.CommandLine;
using Chatbot.Cli.Sites;

var root = new RootCommand("Dongyang Chat operator command line");
root.Subcommands.Add(SitesCommand.Create());
return await root.Parse(args).InvokeAsync();

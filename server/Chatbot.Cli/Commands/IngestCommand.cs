using System.CommandLine;
using Chatbot.Ai.Contracts;
using Chatbot.Rag;
using Chatbot.Rag.Knowledge;
using Chatbot.Rag.VectorStores;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace Chatbot.Cli.Commands;

/// <summary>
/// <c>chatbot ingest &lt;path&gt; [--data &lt;dir&gt;]</c>: brings the server's index up to date with a knowledge
/// folder. Unchanged files are skipped, changed ones replaced, removed ones deleted; a file that fails does so alone.
/// It syncs through the in-process knowledge base (<see cref="LocalKnowledgeBase"/>), so the rules are the server's,
/// the empty-folder guard among them.
/// </summary>
internal static class IngestCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("path") { Description = "The knowledge folder (Markdown, text, PDF, DOCX, HTML), read recursively." };
        var data = new Option<string>("--data")
        {
            Description = "The server's data folder that holds the index. Default: server/Chatbot.Api/data inside the repository, else ./data.",
            DefaultValueFactory = _ => CliEngine.DefaultDataDirectory(),
        };
        var command = new Command("ingest", "Ingest a knowledge folder into the server's index, incrementally.") { path, data };
        command.SetAction((result, cancellationToken) => RunAsync(result.GetValue(path)!, result.GetValue(data)!, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string path, string dataDirectory, CancellationToken cancellationToken)
    {
        var corpus = Path.GetFullPath(path);
        if (File.Exists(corpus))
        {
            AnsiConsole.MarkupLineInterpolated($"[red]'{corpus}' is a file.[/] Give the folder that holds the knowledge: the index mirrors one folder, so ingesting a single file would remove every other document.");
            return CliEngine.BadInput;
        }

        if (!Directory.Exists(corpus))
        {
            AnsiConsole.MarkupLineInterpolated($"[red]The folder '{corpus}' does not exist.[/]");
            return CliEngine.BadInput;
        }

        CliEngine.WidenRedirectedOutput();
        var data = Path.GetFullPath(dataDirectory);
        var services = new ServiceCollection();
        CliEngine.AddHostServices(services);
        services.AddLocalKnowledgeBase(CliEngine.Configuration(), Environment.CurrentDirectory);
        services.PostConfigure<RagOptions>(options =>
        {
            options.DataDirectory = data;
            options.KnowledgePath = corpus;
        });
        await using var provider = services.BuildServiceProvider();
        var knowledge = provider.GetRequiredService<IKnowledgeBase>();

        AnsiConsole.MarkupLineInterpolated($"Ingesting [bold]{corpus}[/] into [bold]{data}[/]");
        KnowledgeChange? change = null;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("Reading the folder", maxValue: 1);
                var progress = new InlineProgress<KnowledgeProgress>(p =>
                {
                    task.MaxValue = Math.Max(p.Total, 1);
                    task.Value = p.Processed;
                    task.Description = Markup.Escape(Shorten(p.Path));
                });
                change = await knowledge.SyncAsync(progress, cancellationToken);
                task.Description = "Done";
                task.Value = task.MaxValue;
            });

        if (change?.Problem is { Code: KnowledgeProblems.FolderEmpty } empty)
        {
            // Ingesting an empty folder would delete every stored document: the knowledge base refused, leaving the index as it is.
            AnsiConsole.MarkupLineInterpolated($"[red]Nothing to ingest:[/] {empty.Detail}");
            return CliEngine.NothingDone;
        }

        if (change?.Problem is { } problem)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]Not ingested ({problem.Code}):[/] {problem.Detail}");
            return CliEngine.NothingDone;
        }

        var result = change?.Report ?? throw new InvalidOperationException("Ingestion did not complete.");
        Print(result);
        if (provider.GetService<EmbeddedVectorStoreCollection>() is { } store)
        {
            AnsiConsole.MarkupLineInterpolated($"Index: {store.FilePath} ({store.Count} chunks). A running server reads it at start: restart the server to serve the new knowledge.");
        }

        if (result.Files == 0 && result.Skipped == 0)
        {
            AnsiConsole.MarkupLine("[red]Nothing could be ingested: every file failed.[/] Documents that were indexed before keep their chunks.");
            return CliEngine.NothingDone;
        }

        return CliEngine.Success;
    }

    private static void Print(IngestionReport summary)
    {
        var table = new Table().Title("Ingestion summary").AddColumn("").AddColumn(new TableColumn("Count").RightAligned());
        table.AddRow("Files ingested (new or changed)", summary.Files.ToString(System.Globalization.CultureInfo.InvariantCulture));
        table.AddRow("Chunks written", summary.Chunks.ToString(System.Globalization.CultureInfo.InvariantCulture));
        table.AddRow("Skipped (unchanged)", summary.Skipped.ToString(System.Globalization.CultureInfo.InvariantCulture));
        table.AddRow("Removed (file gone)", summary.Removed.ToString(System.Globalization.CultureInfo.InvariantCulture));
        table.AddRow(summary.Failed.Count > 0 ? "[red]Failed[/]" : "Failed", summary.Failed.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        AnsiConsole.Write(table);

        if (summary.Failed.Count > 0)
        {
            var failures = new Table().Title("Failed files").AddColumn("File").AddColumn("Reason");
            foreach (var failure in summary.Failed)
            {
                failures.AddRow(Markup.Escape(failure.Path), Markup.Escape(failure.Reason));
            }

            AnsiConsole.Write(failures);
        }
    }

    private static string Shorten(string path) => path.Length <= 40 ? path : "…" + path[^39..];
}

using System.Globalization;
using System.Text.Json;

namespace Chatbot.Rag.Ingestion.Isolation;

/// <summary>
/// The body of the <c>Chatbot.DocumentWorker</c> process: reads one document from standard input with the engine's own
/// readers and writes it as JSON to standard output. Exit codes: 0 read, 2 unreadable, 3 too complex (limits or
/// memory), each with the reason on standard error.
/// </summary>
public static class DocumentWorker
{
    public static async Task<int> RunAsync(string[] args, Stream input, Stream output, TextWriter errors)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length < 1)
        {
            await errors.WriteLineAsync("usage: Chatbot.DocumentWorker <file name> [--max-pages N] [--max-decoded-mb N] [--max-ratio N] < document");
            return IsolatedDocumentReader.ExitUnreadable;
        }

        var fileName = args[0];
        var limits = new DocumentLimits();
        for (var i = 1; i + 1 < args.Length; i += 2)
        {
            var value = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--max-pages": limits.MaxPages = value; break;
                case "--max-decoded-mb": limits.MaxDecodedMegabytes = value; break;
                case "--max-ratio": limits.MaxCompressionRatio = value; break;
            }
        }

        IDocumentReader[] readers = [new PdfDocumentReader(limits), new DocxDocumentReader(), new HtmlDocumentReader(), new MarkdownDocumentReader(), new PlainTextDocumentReader()];
        var reader = readers.FirstOrDefault(r => r.Extensions.Contains(Path.GetExtension(fileName), StringComparer.OrdinalIgnoreCase));
        if (reader is null)
        {
            await errors.WriteLineAsync($"No reader for {Path.GetExtension(fileName)} files.");
            return IsolatedDocumentReader.ExitUnreadable;
        }

        try
        {
            using var buffer = new MemoryStream();
            await input.CopyToAsync(buffer);
            buffer.Position = 0;
            var document = await reader.ReadAsync(buffer, fileName);
            await JsonSerializer.SerializeAsync(output, document, WorkerJson.Default.ParsedDocument);
            return 0;
        }
        catch (DocumentTooComplexException e)
        {
            await errors.WriteLineAsync(e.Message);
            return IsolatedDocumentReader.ExitTooComplex;
        }
        catch (OutOfMemoryException)
        {
            await errors.WriteLineAsync("Reading the document needed more memory than the worker may use; refused.");
            return IsolatedDocumentReader.ExitTooComplex;
        }
        catch (InvalidDataException e)
        {
            await errors.WriteLineAsync(e.Message);
            return IsolatedDocumentReader.ExitUnreadable;
        }
    }
}

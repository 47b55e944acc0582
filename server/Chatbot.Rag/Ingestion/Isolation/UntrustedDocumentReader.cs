using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Chatbot.Rag.Ingestion.Isolation;

/// <summary>
/// The formats whose parsers inflate or interpret what they read — PDF, Word, HTML — read within
/// <see cref="DocumentLimits"/>: in the capped worker process when <see cref="DocumentLimits.Isolated"/> and the host
/// ships the worker, else in this process (the limits on pages and inflated size still hold).
/// </summary>
public sealed partial class UntrustedDocumentReader : IDocumentReader
{
    private readonly Dictionary<string, IDocumentReader> _readers = new(StringComparer.OrdinalIgnoreCase);

    public UntrustedDocumentReader(IOptions<DocumentLimits>? options = null, ILogger<UntrustedDocumentReader>? logger = null)
    {
        var limits = options?.Value ?? new DocumentLimits();
        IDocumentReader[] local = [new PdfDocumentReader(limits), new DocxDocumentReader(), new HtmlDocumentReader()];
        var extensions = local.SelectMany(r => r.Extensions).ToArray();
        var worker = limits.Isolated ? IsolatedDocumentReader.FindWorker() : null;
        if (worker is not null)
        {
            var isolated = new IsolatedDocumentReader(extensions, worker, limits, (ILogger?)logger ?? NullLogger.Instance);
            foreach (var extension in extensions)
            {
                _readers[extension] = isolated;
            }
        }
        else
        {
            if (limits.Isolated)
            {
                LogNoWorker(logger ?? (ILogger)NullLogger.Instance, IsolatedDocumentReader.WorkerAssembly, AppContext.BaseDirectory);
            }

            foreach (var reader in local)
            {
                foreach (var extension in reader.Extensions)
                {
                    _readers[extension] = reader;
                }
            }
        }

        Extensions = extensions;
        IsIsolated = worker is not null;
    }

    public IReadOnlyCollection<string> Extensions { get; }

    /// <summary>Whether documents are read in the worker process.</summary>
    public bool IsIsolated { get; }

    public Task<ParsedDocument> ReadAsync(Stream content, string fileName, CancellationToken cancellationToken = default) =>
        _readers.TryGetValue(Path.GetExtension(fileName), out var reader)
            ? reader.ReadAsync(content, fileName, cancellationToken)
            : throw new InvalidDataException($"No reader for {Path.GetExtension(fileName)} files.");

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Worker} is not in {Folder}: PDF, Word and HTML documents are read in this process (Rag:Parsing:Isolated asks for the worker)")]
    private static partial void LogNoWorker(ILogger logger, string worker, string folder);
}

using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Chatbot.Rag.Ingestion.Isolation;

/// <summary>
/// Reads a document in a child process (<c>Chatbot.DocumentWorker</c>) with a hard cap on its managed heap
/// (<c>DOTNET_GCHeapHardLimit</c>) and a deadline, so whatever a hostile PDF, Word or HTML file does to its parser —
/// inflate to gigabytes, loop — it exhausts the worker, which is then killed, and the host only sees a refusal.
/// </summary>
public sealed class IsolatedDocumentReader : IDocumentReader
{
    /// <summary>The worker's assembly, next to the host's own (the hosts reference the worker project).</summary>
    public const string WorkerAssembly = "Chatbot.DocumentWorker.dll";

    internal const int ExitUnreadable = 2;
    internal const int ExitTooComplex = 3;

    private readonly string _workerPath;
    private readonly DocumentLimits _limits;
    private readonly ILogger _logger;

    public IsolatedDocumentReader(IReadOnlyCollection<string> extensions, string workerPath, DocumentLimits limits, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(extensions);
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(logger);
        Extensions = extensions;
        _workerPath = workerPath;
        _limits = limits;
        _logger = logger;
    }

    public IReadOnlyCollection<string> Extensions { get; }

    /// <summary>The worker beside the running host, or null when this host has none.</summary>
    public static string? FindWorker() =>
        Path.Combine(AppContext.BaseDirectory, WorkerAssembly) is var path && File.Exists(path) ? path : null;

    public async Task<ParsedDocument> ReadAsync(Stream content, string fileName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in WorkerArguments(_workerPath, fileName, _limits))
        {
            start.ArgumentList.Add(argument);
        }

        // The heap cap is the worker's own: the runtime refuses allocations beyond it (OutOfMemoryException), instead
        // of the host being killed by the kernel.
        start.Environment["DOTNET_GCHeapHardLimit"] = ((long)_limits.MaxMemoryMegabytes * 1024 * 1024).ToString("X", CultureInfo.InvariantCulture);
        start.Environment["DOTNET_gcServer"] = "0";
        start.Environment["DOTNET_TieredPGO"] = "0";

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("The document worker did not start.");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(_limits.MaxSeconds));
        var output = process.StandardOutput.ReadToEndAsync(deadline.Token);
        var errors = process.StandardError.ReadToEndAsync(deadline.Token);
        try
        {
            try
            {
                await content.CopyToAsync(process.StandardInput.BaseStream, deadline.Token);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The worker stopped reading (it gave up early); its exit code says why.
            }

            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Kill(process);
            _logger.LogWarning("Reading {File} took longer than {Seconds} s; the worker was stopped", fileName, _limits.MaxSeconds);
            throw new DocumentTooComplexException($"The document took longer than {_limits.MaxSeconds} s to read; refused.");
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            throw;
        }

        var error = (await errors).Trim();
        switch (process.ExitCode)
        {
            case 0:
                var document = JsonSerializer.Deserialize(await output, WorkerJson.Default.ParsedDocument)
                    ?? throw new InvalidDataException("The document worker answered nothing.");
                _logger.LogDebug("Read {File} in a worker in {Milliseconds} ms", fileName, clock.ElapsedMilliseconds);
                return document;
            case ExitUnreadable:
                throw new InvalidDataException(error.Length > 0 ? error : "The document could not be read.");
            case ExitTooComplex:
                throw new DocumentTooComplexException(error.Length > 0 ? error : "The document is too complex to read.");
            default:
                // The runtime itself gave up: out of its capped heap in native code, or a crash.
                _logger.LogWarning("The document worker for {File} exited with {ExitCode}: {Error}", fileName, process.ExitCode, Last(error, 500));
                throw new DocumentTooComplexException($"Reading the document needed more than {_limits.MaxMemoryMegabytes} MB of memory; refused.");
        }
    }

    internal static IEnumerable<string> WorkerArguments(string workerPath, string fileName, DocumentLimits limits) =>
    [
        workerPath,
        fileName,
        "--max-pages", limits.MaxPages.ToString(CultureInfo.InvariantCulture),
        "--max-decoded-mb", limits.MaxDecodedMegabytes.ToString(CultureInfo.InvariantCulture),
        "--max-ratio", limits.MaxCompressionRatio.ToString(CultureInfo.InvariantCulture),
    ];

    /// <summary>The <c>dotnet</c> host that runs this process's runtime (an apphost's own path would not run a .dll).</summary>
    private static string DotnetHost()
    {
        var name = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        if (Environment.ProcessPath is { } current && Path.GetFileName(current) == name)
        {
            return current;
        }

        // …/shared/Microsoft.NETCore.App/<version>/ → the dotnet root three levels up.
        var root = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        var host = Path.Combine(root, name);
        return File.Exists(host) ? host : name;
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private static string Last(string text, int length) => text.Length <= length ? text : text[^length..];
}

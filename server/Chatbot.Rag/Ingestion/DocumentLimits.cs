using System.ComponentModel.DataAnnotations;

namespace Chatbot.Rag.Ingestion;

/// <summary>
/// How much work one document may cost to read, bound from "Rag:Parsing". Uploaded files are untrusted: a 1.5 MB PDF
/// whose streams inflate to gigabytes must be refused, not parsed until the host runs out of memory.
/// </summary>
public sealed class DocumentLimits
{
    public const string SectionName = "Rag:Parsing";

    /// <summary>
    /// Read PDF, Word and HTML files in a separate worker process (<c>Chatbot.DocumentWorker</c>) whose memory and time
    /// are capped, so a document that gets past the other limits can only fail itself, never the chat.
    /// </summary>
    public bool Isolated { get; set; } = true;

    /// <summary>The managed heap of the worker process, in MiB.</summary>
    [Range(64, 16384)]
    public int MaxMemoryMegabytes { get; set; } = 512;

    /// <summary>The longest one document may take to read, in seconds.</summary>
    [Range(1, 3600)]
    public int MaxSeconds { get; set; } = 60;

    /// <summary>The most pages a PDF may have.</summary>
    [Range(1, 100_000)]
    public int MaxPages { get; set; } = 2000;

    /// <summary>The most bytes a PDF's compressed streams may inflate to, together, in MiB.</summary>
    [Range(1, 16384)]
    public int MaxDecodedMegabytes { get; set; } = 512;

    /// <summary>
    /// The highest inflation ratio of one large stream (over 16 MiB decoded). Real content compresses 2–20×; a
    /// decompression bomb a thousandfold.
    /// </summary>
    [Range(10, 100_000)]
    public int MaxCompressionRatio { get; set; } = 200;
}

/// <summary>
/// A document that is well-formed but costs more to read than <see cref="DocumentLimits"/> allow (pages, inflated
/// size, memory or time). The API answers it with <c>document_too_complex</c>.
/// </summary>
public sealed class DocumentTooComplexException(string message) : IOException(message)
{
    /// <summary>The error code clients see.</summary>
    public const string Code = Chatbot.Ai.Contracts.KnowledgeProblems.DocumentTooComplex;
}

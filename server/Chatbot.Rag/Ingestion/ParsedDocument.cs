namespace Chatbot.Rag.Ingestion;

/// <summary>A source document reduced to structured text blocks, independent of its file format.</summary>
/// <param name="Title">The document title.</param>
/// <param name="DocumentType">terms, faq or guide; empty when unknown.</param>
/// <param name="Product">common, medical, cancer, whole-life…; empty when unknown.</param>
/// <param name="Blocks">The content in reading order.</param>
public sealed record ParsedDocument(string Title, string DocumentType, string Product, IReadOnlyList<DocumentBlock> Blocks);

/// <summary>What kind of text a block holds; the chunker treats each kind differently.</summary>
public enum DocumentBlockKind
{
    /// <summary>Running text; each line may hold several sentences.</summary>
    Paragraph,

    /// <summary>One list item; it ends a sentence even without a full stop.</summary>
    ListItem,

    /// <summary>A whole table rendered as rows of cells separated by " | "; never split if avoidable.</summary>
    Table,
}

/// <summary>One block of a document under its heading path.</summary>
/// <param name="HeadingPath">The headings above the block, below the document title (## and deeper).</param>
/// <param name="Kind">The kind of block.</param>
/// <param name="Text">Markup-free text; lines are separated by '\n'.</param>
/// <param name="Page">The page for paginated formats.</param>
public sealed record DocumentBlock(IReadOnlyList<string> HeadingPath, DocumentBlockKind Kind, string Text, int? Page = null);

/// <summary>Turns a file of one format into a <see cref="ParsedDocument"/>.</summary>
public interface IDocumentReader
{
    /// <summary>File extensions this reader handles, lower-case with the dot, e.g. ".md".</summary>
    IReadOnlyCollection<string> Extensions { get; }

    /// <summary>Reads a document. <paramref name="fileName"/> supplies the fallback title.</summary>
    Task<ParsedDocument> ReadAsync(Stream content, string fileName, CancellationToken cancellationToken = default);
}

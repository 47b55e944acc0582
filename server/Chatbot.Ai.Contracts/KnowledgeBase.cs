namespace Chatbot.Ai.Contracts;

/// <summary>
/// The knowledge base: one folder of documents and the index built from it, kept in step. It is the one owner of the
/// knowledge rules — one change at a time, a folder with no documents never empties the index, a document that cannot
/// be read never replaces the one it would overwrite, names that leave the folder or hold personal data are refused.
/// In-process (the embedded default, the AI service and the CLI) it is <c>Chatbot.Rag.Knowledge.LocalKnowledgeBase</c>;
/// in the Api with a remote AI service it is an HTTP client of the AI service's <see cref="AiEndpoints.Documents"/>
/// endpoints, which answers with the same <see cref="KnowledgeChange"/> and <see cref="KnowledgeProblem"/> codes.
/// </summary>
public interface IKnowledgeBase
{
    /// <summary>
    /// Brings the index up to date with the knowledge folder: new and changed documents are (re)embedded, unchanged ones
    /// skipped, the chunks of removed files deleted. A missing folder, or one without a supported document, is refused
    /// (<see cref="KnowledgeProblems.FolderEmpty"/>) and the index is left as it is.
    /// </summary>
    /// <param name="progress">Told once per file, where the caller shows progress; remote calls report none.</param>
    /// <param name="cancellationToken">Stops the run between files.</param>
    Task<KnowledgeChange> SyncAsync(IProgress<KnowledgeProgress>? progress, CancellationToken cancellationToken);

    /// <summary>
    /// Stores <paramref name="content"/> as the document <paramref name="path"/> (relative to the knowledge folder, with
    /// '/' separators) and indexes it. The content is read and indexed before it replaces a document of the same name;
    /// when it cannot be, the answer names why and the stored file and its chunks stay as they were.
    /// </summary>
    Task<KnowledgeChange> PutAsync(string path, Stream content, CancellationToken cancellationToken);

    /// <summary>Removes the document <paramref name="path"/> from the folder and its chunks from the index.</summary>
    Task<KnowledgeChange> DeleteAsync(string path, CancellationToken cancellationToken);

    /// <summary>The documents of the knowledge folder, by path, and whether each is in the index.</summary>
    Task<IReadOnlyList<KnowledgeDocument>> ListAsync(CancellationToken cancellationToken);

    /// <summary>The indexed chunks of one document in order, or <see langword="null"/> when it is not in the index.</summary>
    Task<IReadOnlyList<KnowledgeChunk>?> GetChunksAsync(string documentId, CancellationToken cancellationToken);
}

/// <summary>Progress of a folder sync, once per file.</summary>
/// <param name="Processed">Files handled so far, this one included.</param>
/// <param name="Total">Files found plus documents to remove.</param>
/// <param name="Path">The file (relative to the folder) or the removed document id.</param>
public sealed record KnowledgeProgress(int Processed, int Total, string Path);

/// <summary>One document of the knowledge folder.</summary>
/// <param name="DocumentId">Its id: the path without extension (<see cref="KnowledgePaths.DocumentIdOf"/>).</param>
/// <param name="Path">Its path relative to the knowledge folder, with '/' separators.</param>
/// <param name="Bytes">The file's size.</param>
/// <param name="ModifiedAtUtc">When the file was last written.</param>
/// <param name="Indexed">Whether the index holds chunks of it.</param>
public sealed record KnowledgeDocument(string DocumentId, string Path, long Bytes, DateTime ModifiedAtUtc, bool Indexed);

/// <summary>One indexed chunk of a document, as retrieval sees it (masked; no vector).</summary>
/// <param name="Key">Document id and ordinal, e.g. <c>claims-procedure#3</c>.</param>
/// <param name="DocumentTitle">The document's title.</param>
/// <param name="Section">The article, clause or heading path, if any.</param>
/// <param name="Page">The PDF page, if any.</param>
/// <param name="Ordinal">Its place in the document, from 0.</param>
/// <param name="Text">The chunk's text.</param>
public sealed record KnowledgeChunk(string Key, string DocumentTitle, string? Section, int? Page, int Ordinal, string Text);

/// <summary>What a change of the knowledge base did: a report when it was made, a problem when it was refused.</summary>
/// <param name="Report">What ingestion did, when the change was made.</param>
/// <param name="Problem">Why nothing was changed, when it was refused.</param>
public sealed record KnowledgeChange(IngestionReport? Report, KnowledgeProblem? Problem)
{
    /// <summary>A change that was made.</summary>
    public static KnowledgeChange Done(IngestionReport report) => new(report, null);

    /// <summary>A change that was refused.</summary>
    public static KnowledgeChange Refused(string code, string detail) => new(null, new KnowledgeProblem(code, detail));
}

/// <summary>Why the knowledge base refused a change.</summary>
/// <param name="Code">One of <see cref="KnowledgeProblems"/>; the <c>code</c> of the problem document.</param>
/// <param name="Detail">For an operator, in English.</param>
public sealed record KnowledgeProblem(string Code, string Detail)
{
    /// <summary>The HTTP status the problem is answered with, the same by the Api's admin API and the AI service.</summary>
    public int StatusCode => KnowledgeProblems.StatusCodeOf(Code);

    /// <summary>A short title for the problem document: the code in words.</summary>
    public string Title => Code.Replace('_', ' ');
}

/// <summary>
/// The codes of <see cref="KnowledgeProblem"/> and their HTTP statuses. The AI service answers them as problem documents
/// with a <c>code</c> member; the Api's remote knowledge base reads them back, so an admin call answers the same whether
/// the engine runs in-process or in the AI service.
/// </summary>
public static class KnowledgeProblems
{
    /// <summary>400: the path leaves the knowledge folder, or names a hidden or README file that a sync would skip.</summary>
    public const string InvalidFileName = "invalid_file_name";

    /// <summary>400: the extension is not one the readers take.</summary>
    public const string UnsupportedType = "unsupported_document_type";

    /// <summary>400: the name holds personal data; it would be stored and cited as the document id.</summary>
    public const string PersonalDataInFileName = "personal_data_in_file_name";

    /// <summary>400: the document has no content.</summary>
    public const string EmptyDocument = "empty_document";

    /// <summary>409: another file of the folder (same name, other extension) already has this document id.</summary>
    public const string DocumentIdTaken = "document_id_taken";

    /// <summary>404: there is no such document in the folder.</summary>
    public const string DocumentNotFound = "document_not_found";

    /// <summary>409: another change is running and did not finish in time.</summary>
    public const string IngestionRunning = "ingestion_running";

    /// <summary>409: the folder is missing or holds no supported document; syncing it would empty the index.</summary>
    public const string FolderEmpty = "knowledge_folder_empty";

    /// <summary>413: the document is larger than the entry point takes.</summary>
    public const string DocumentTooLarge = "document_too_large";

    /// <summary>422: the document could not be read (malformed, encrypted, no text).</summary>
    public const string UnreadableDocument = "unreadable_document";

    /// <summary>422: the document is well-formed but costs more to read than the parsing limits allow.</summary>
    public const string DocumentTooComplex = "document_too_complex";

    /// <summary>503: the AI service that holds the knowledge cannot be reached.</summary>
    public const string Unavailable = "knowledge_unavailable";

    /// <summary>The status a code is answered with; 400 for a code this version does not know.</summary>
    public static int StatusCodeOf(string code) => code switch
    {
        DocumentNotFound => 404,
        IngestionRunning or FolderEmpty or DocumentIdTaken => 409,
        DocumentTooLarge => 413,
        UnreadableDocument or DocumentTooComplex => 422,
        Unavailable => 503,
        _ => 400,
    };
}

/// <summary>How a document's path in the knowledge folder becomes its id.</summary>
public static class KnowledgePaths
{
    /// <summary>A document's id: its path relative to the knowledge folder, without extension, with '/' separators.</summary>
    public static string DocumentIdOf(string relativePath)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        var normalized = relativePath.Replace('\\', '/');
        var extension = Path.GetExtension(normalized);
        return extension.Length > 0 ? normalized[..^extension.Length] : normalized;
    }
}

namespace Chatbot.Ai.Contracts;

/// <summary>A retrieval query.</summary>
/// <param name="Query">The text to search for.</param>
/// <param name="Top">How many passages to return (1–50); the engine's default when omitted.</param>
public sealed record SearchRequest(string Query, int? Top = null);

/// <summary>What retrieval found.</summary>
/// <param name="Query">The query as searched, after normalisation.</param>
/// <param name="Confidence">The best passage's relevance (0–1).</param>
/// <param name="IsConfident">Whether the engine would answer rather than decline.</param>
/// <param name="Hits">The passages, best first.</param>
public sealed record SearchResponse(string Query, double Confidence, bool IsConfident, IReadOnlyList<SearchHit> Hits);

/// <summary>One retrieved passage.</summary>
/// <param name="DocumentId">The source document's id.</param>
/// <param name="DocumentTitle">The source document's title.</param>
/// <param name="Section">The heading path of the passage, if any.</param>
/// <param name="Text">The passage text.</param>
/// <param name="Relevance">Its relevance to the query (0–1).</param>
public sealed record SearchHit(string DocumentId, string DocumentTitle, string? Section, string Text, double Relevance);

/// <summary>The outcome of an ingestion run.</summary>
/// <param name="Files">Files (re-)embedded.</param>
/// <param name="Chunks">Chunks embedded.</param>
/// <param name="Skipped">Files unchanged since the last run.</param>
/// <param name="Removed">Documents removed because their files are gone.</param>
/// <param name="Failed">Files that could not be read, with the reason.</param>
public sealed record IngestionReport(int Files, int Chunks, int Skipped, int Removed, IReadOnlyList<IngestionProblem> Failed);

/// <summary>A file that could not be ingested.</summary>
/// <param name="Path">The file, relative to the knowledge folder.</param>
/// <param name="Reason">Why.</param>
public sealed record IngestionProblem(string Path, string Reason);

/// <summary>The health document of the AI service.</summary>
/// <param name="Status"><c>healthy</c>, or <c>starting</c> while the knowledge is being ingested.</param>
/// <param name="Service">Always <c>AI Server</c>.</param>
public sealed record AiServiceStatus(string Status, string Service);

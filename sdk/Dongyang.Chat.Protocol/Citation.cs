namespace Dongyang.Chat.Protocol;

/// <summary>A source passage that supports an answer.</summary>
/// <param name="Index">The number the answer uses to cite this source, as in [1].</param>
/// <param name="DocumentId">The stable id of the source document.</param>
/// <param name="Title">The document's title.</param>
/// <param name="Section">The article, clause or heading path the passage sits under, if any.</param>
/// <param name="Page">The page number for paginated documents such as PDFs.</param>
/// <param name="Snippet">The passage text that supports the answer.</param>
public sealed record Citation(int Index, string DocumentId, string Title, string? Section, int? Page, string Snippet);

namespace Dongyang.Chat.Protocol;

/// <summary>Which cited section to read whole: the <see cref="Citation"/>'s document, section and page.</summary>
/// <param name="DocumentId">As <see cref="Citation.DocumentId"/>.</param>
/// <param name="Section">As <see cref="Citation.Section"/>; <see langword="null"/> for a document without sections.</param>
/// <param name="Page">As <see cref="Citation.Page"/>.</param>
public sealed record SourceRequest(string DocumentId, string? Section = null, int? Page = null);

/// <summary>A cited section in full, as the knowledge base holds it.</summary>
/// <param name="DocumentId">The source document's id.</param>
/// <param name="Title">The document's title.</param>
/// <param name="Section">The article, clause or heading path (조/항), if any.</param>
/// <param name="Page">The page, for paginated documents.</param>
/// <param name="Text">The section's whole text, its passages in document order.</param>
public sealed record SourceSection(string DocumentId, string Title, string? Section, int? Page, string Text);

/// <summary>What a widget needs to know before it connects (<see cref="ChatEndpoints.WidgetConfigurationPath"/>).</summary>
/// <param name="ErrorCode">
/// <see langword="null"/> when this page may use the key; otherwise why not: <see cref="ChatErrorCodes.SiteKeyMissing"/>,
/// <see cref="ChatErrorCodes.SiteKeyInvalid"/>, <see cref="ChatErrorCodes.SiteKeyDisabled"/> or <see cref="ChatErrorCodes.OriginNotAllowed"/>.
/// </param>
/// <param name="Fix">For the developer (English): what to change so that the chat works on this page; <see langword="null"/> when it does.</param>
/// <param name="Counsellor">The counsellor line, to show the customer whatever happens.</param>
public sealed record WidgetConfiguration(string? ErrorCode, string? Fix, CounsellorContact Counsellor);

/// <summary>The counsellor line as configured on the server.</summary>
/// <param name="Phone">The number customers call.</param>
/// <param name="Hours">Its opening hours, in the language asked for (<c>평일 09:00~18:00</c>).</param>
/// <param name="IsOpenNow">Whether counsellors answer now.</param>
public sealed record CounsellorContact(string Phone, string Hours, bool IsOpenNow);

namespace Chatbot.Ai.Contracts;

/// <summary>
/// The AI service's paths. The OpenAPI document at <see cref="OpenApiDocument"/> describes them. Every path but
/// <see cref="Health"/> answers 401 unless the call carries the shared service key as <c>Authorization: Bearer &lt;key&gt;</c>
/// (<c>Ai:ServiceKey</c>, the same setting on the api and the ai).
/// </summary>
public static class AiEndpoints
{
    /// <summary>The port the AI service listens on in the deployed stack.</summary>
    public const int DefaultPort = 8000;

    /// <summary><c>GET</c>: liveness, <c>200 {"status":"healthy","service":"AI Server"}</c> once the knowledge is ingested.</summary>
    public const string Health = "/";

    /// <summary>
    /// <c>GET</c>: readiness for the api, <c>200 {"status":"ready","service":"AI Server"}</c>. Unlike <see cref="Health"/> it
    /// needs the service key, so the api's readiness fails when its key is not the ai's.
    /// </summary>
    public const string Ready = "/v1/ready";

    /// <summary><c>POST</c> an <see cref="AnswerRequest"/>: the answer as NDJSON, one <see cref="AnswerStreamEvent"/> per line.</summary>
    public const string AnswerStream = "/v1/answers/stream";

    /// <summary><c>POST</c> a <see cref="SearchRequest"/>: the passages retrieval finds, as a <see cref="SearchResponse"/>.</summary>
    public const string Search = "/v1/search";

    /// <summary>
    /// <c>POST</c>: syncs the knowledge folder (<see cref="IKnowledgeBase.SyncAsync"/>); answers an
    /// <see cref="IngestionReport"/>, or a problem with a <see cref="KnowledgeProblems"/> code.
    /// </summary>
    public const string Ingestion = "/v1/ingestion";

    /// <summary>
    /// <c>GET</c>: the documents of the knowledge folder (<see cref="KnowledgeDocument"/>s). <c>PUT /v1/documents/{path}</c>
    /// (the raw bytes of any supported format) stores and indexes one; <c>DELETE /v1/documents/{path}</c> removes it.
    /// Both answer an <see cref="IngestionReport"/>, or a problem with a <see cref="KnowledgeProblems"/> code.
    /// </summary>
    public const string Documents = "/v1/documents";

    /// <summary><c>GET ?documentId=</c>: the indexed chunks of one document (<see cref="KnowledgeChunk"/>s), or 404.</summary>
    public const string Chunks = "/v1/chunks";

    /// <summary>
    /// <c>GET ?documentId=&amp;section=&amp;page=</c>: a cited section in full (a Dongyang.Chat.Protocol <c>SourceSection</c>),
    /// or 404 when it is not in the index.
    /// </summary>
    public const string Sources = "/v1/sources";

    /// <summary>The OpenAPI document.</summary>
    public const string OpenApiDocument = "/openapi/v1.json";

    /// <summary>The media type of the answer stream.</summary>
    public const string NdjsonMediaType = "application/x-ndjson";
}

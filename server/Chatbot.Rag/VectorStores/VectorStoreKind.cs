namespace Chatbot.Rag.VectorStores;

/// <summary>Which chunk store the engine uses, chosen by <c>Rag:VectorStore</c>.</summary>
public enum VectorStoreKind
{
    /// <summary><see cref="EmbeddedVectorStoreCollection"/>: in memory, persisted to a file in the data directory.</summary>
    Embedded,

    /// <summary><see cref="PgVectorCollection"/> on the database of <c>ConnectionStrings:Chatbot</c>.</summary>
    Postgres,
}

using System.Text.Json.Serialization;

namespace Chatbot.Rag.Ingestion.Isolation;

/// <summary>How the document worker hands a parsed document to its host.</summary>
[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ParsedDocument))]
public sealed partial class WorkerJson : JsonSerializerContext;

using System.ComponentModel.DataAnnotations;

namespace Chatbot.Api.Persistence;

/// <summary>Where the embedded default keeps its files: the SQLite database and the vector index.</summary>
internal sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>A folder, absolute or relative to the content root. Created on first start.</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";

    public string ResolveDataDirectory(string contentRoot) =>
        Path.GetFullPath(Path.IsPathRooted(DataDirectory) ? DataDirectory : Path.Combine(contentRoot, DataDirectory));
}

namespace Dongyang.Chat.Client.Tests;

/// <summary>
/// The public API baselines (README ".NET packages"): a copy of Dongyang.Chat.Protocol with its build settings builds as
/// it is, and fails once a public symbol is added or removed without its line in PublicAPI.Unshipped.txt.
/// </summary>
public sealed class PublicApiBaselineTests : IDisposable
{
    private static readonly string[] RootFiles = ["Directory.Build.props", "Directory.Packages.props", "nuget.config", "global.json", ".editorconfig"];
    private readonly string copy = Directory.CreateTempSubdirectory("dongyang-api-").FullName;

    [Fact]
    public async Task An_api_change_without_its_baseline_line_fails_the_build_and_names_the_symbol()
    {
        var project = CopyProtocolProject();
        await BuildAsync(project);   // the copy as it is builds: what follows fails for the change alone

        await File.WriteAllTextAsync(Path.Combine(project, "Unlisted.cs"),
            "namespace Dongyang.Chat.Protocol;\n\n/// <summary>Not in the baseline.</summary>\npublic static class Unlisted\n{\n}\n");
        var added = await Assert.ThrowsAsync<InvalidOperationException>(() => BuildAsync(project));
        Assert.Contains("error RS0016", added.Message, StringComparison.Ordinal);
        Assert.Contains("Dongyang.Chat.Protocol.Unlisted", added.Message, StringComparison.Ordinal);

        File.Delete(Path.Combine(project, "Unlisted.cs"));
        var endpoints = Path.Combine(project, "ChatEndpoints.cs");
        var source = await File.ReadAllTextAsync(endpoints);
        Assert.Contains("public const string WidgetConfigurationPath", source, StringComparison.Ordinal);
        await File.WriteAllTextAsync(endpoints, source.Replace("public const string WidgetConfigurationPath", "internal const string WidgetConfigurationPath", StringComparison.Ordinal));
        var removed = await Assert.ThrowsAsync<InvalidOperationException>(() => BuildAsync(project));
        Assert.Contains("error RS0017", removed.Message, StringComparison.Ordinal);
        Assert.Contains("WidgetConfigurationPath", removed.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(copy, recursive: true);

    /// <summary>The repository's build settings and the Protocol project's sources (no bin, obj or .git: MinVer is skipped).</summary>
    private string CopyProtocolProject()
    {
        foreach (var file in RootFiles)
        {
            File.Copy(Path.Combine(RepositoryPaths.Root, file), Path.Combine(copy, file));
        }

        Directory.CreateDirectory(Path.Combine(copy, "sdk"));
        File.Copy(Path.Combine(RepositoryPaths.Root, "sdk", "Directory.Build.props"), Path.Combine(copy, "sdk", "Directory.Build.props"));
        var source = Path.Combine(RepositoryPaths.Root, "sdk", "Dongyang.Chat.Protocol");
        var project = Path.Combine(copy, "sdk", "Dongyang.Chat.Protocol");
        Directory.CreateDirectory(project);
        foreach (var file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(project, Path.GetFileName(file)));
        }

        return project;
    }

    private static Task<string> BuildAsync(string project) =>
        PackedSdk.DotnetAsync(project, null, "build", "-nodeReuse:false", "-p:UseSharedCompilation=false");
}

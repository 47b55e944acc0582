using System.Collections.Concurrent;
using System.Diagnostics;

namespace Dongyang.Chat.Client.Tests;

/// <summary>
/// The three SDK packages as <c>dotnet pack</c> makes them (Release, CI build), packed once into a temporary folder
/// laid out like the repository, so the samples' own nuget.config finds them in <c>artifacts/packages</c>.
/// Build output goes to a folder of its own under the repository's (ignored) artifacts folder, leaving the projects'
/// bin/obj alone for builds running alongside, while generated sources stay inside the repository for path mapping.
/// Shared by every test of the <see cref="PackedSdkGroup"/> collection, which packs once per run; each sample is
/// copied and built against the packages once too (<see cref="BuildSampleAsync"/>).
/// </summary>
public sealed class PackedSdk : IAsyncLifetime
{
    public static readonly string[] PackageIds = ["Dongyang.Chat.Protocol", "Dongyang.Chat.Client", "Dongyang.Chat.Widget"];

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "dongyang-packages-" + Guid.NewGuid().ToString("N")[..8]);

    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> builtSamples = new();

    public string BuildFolder { get; } = Path.Combine(RepositoryPaths.Root, "artifacts", "pack-test-" + Guid.NewGuid().ToString("N")[..8]);

    public string PackagesFolder => Path.Combine(Root, "artifacts", "packages");

    /// <summary>The version the packages were packed as (MinVer, from the clone's git tags).</summary>
    public string Version { get; private set; } = "";

    public string PackageFile(string id, string extension = "nupkg") => Path.Combine(PackagesFolder, $"{id}.{Version}.{extension}");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(PackagesFolder);
        foreach (var id in PackageIds)
        {
            await DotnetAsync(RepositoryPaths.Root, null,
                "pack", Path.Combine("sdk", id), "-c", "Release", "-o", PackagesFolder, "-nodeReuse:false",
                "-p:ContinuousIntegrationBuild=true", "-p:UseArtifactsOutput=true", "-p:ArtifactsPath=" + BuildFolder);
        }

        Version = VersionOf(Directory.GetFiles(PackagesFolder, "Dongyang.Chat.Protocol.*.nupkg").Single(), "Dongyang.Chat.Protocol");
    }

    /// <summary>
    /// The sample copied, with the repository files its build reads, next to the packed packages (samples/nuget.config
    /// points at ../artifacts/packages), and built once (Debug) with <c>-p:UseDongyangPackages=true</c> into a package
    /// folder of its own (<see cref="PackageCache"/>), so a stale copy of the same version in the machine's cache cannot
    /// stand in. Returns the copy's root; the sample is at <c>samples/{sample}</c> under it.
    /// </summary>
    /// <param name="sample">The sample's folder under samples/, e.g. <c>Chatbot.Samples.Blazor</c>.</param>
    public Task<string> BuildSampleAsync(string sample) =>
        builtSamples.GetOrAdd(sample, name => new Lazy<Task<string>>(() => CopyAndBuildAsync(name))).Value;

    /// <summary>The package folder a sample copy restored into.</summary>
    public static string PackageCache(string copy) => Path.Combine(copy, "nuget-packages");

    /// <summary>The version in a package's file name (<c>Id.Version.nupkg</c>).</summary>
    public static string VersionOf(string packageFile, string id) =>
        Path.GetFileNameWithoutExtension(packageFile)[(id.Length + 1)..];

    public Task DisposeAsync()
    {
        Directory.Delete(Root, recursive: true);
        if (Directory.Exists(BuildFolder))
        {
            Directory.Delete(BuildFolder, recursive: true);
        }
        return Task.CompletedTask;
    }

    private async Task<string> CopyAndBuildAsync(string sample)
    {
        var copy = Path.Combine(Root, "consume-" + sample);
        foreach (var file in new[] { "Directory.Build.props", "Directory.Packages.props", "nuget.config", "global.json", ".editorconfig", Path.Combine("samples", "nuget.config") })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(copy, file))!);
            File.Copy(Path.Combine(RepositoryPaths.Root, file), Path.Combine(copy, file));
        }

        var source = Path.Combine(RepositoryPaths.Root, "samples", sample);
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            if (relative.Split(Path.DirectorySeparatorChar)[0] is "bin" or "obj")
            {
                continue;
            }

            var target = Path.Combine(copy, "samples", sample, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        var packages = Path.Combine(copy, "artifacts", "packages");
        Directory.CreateDirectory(packages);
        foreach (var file in Directory.GetFiles(PackagesFolder))
        {
            File.Copy(file, Path.Combine(packages, Path.GetFileName(file)));
        }

        await DotnetAsync(
            Path.Combine(copy, "samples", sample),
            new Dictionary<string, string> { ["NUGET_PACKAGES"] = PackageCache(copy) },
            "build", "-p:UseDongyangPackages=true", "-nodeReuse:false");
        return copy;
    }

    /// <summary>Runs the dotnet CLI and fails with its output when it fails; MSBuild settings of the test host are not passed on.</summary>
    public static async Task<string> DotnetAsync(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var standardOutput = process.StandardOutput.ReadToEndAsync();
        var standardError = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', arguments)} took over 5 minutes.");
        }

        var output = await standardOutput + await standardError;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet {string.Join(' ', arguments)} failed with exit code {process.ExitCode}:\n{output}");
        }

        return output;
    }
}

/// <summary>The tests that use the packed packages: one pack, and one build of each sample, for all of them.</summary>
[CollectionDefinition(Name)]
public sealed class PackedSdkGroup : ICollectionFixture<PackedSdk>
{
    public const string Name = "packed sdk";
}

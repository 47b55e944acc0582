using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Security.Cryptography;
using System.Xml.Linq;

namespace Dongyang.Chat.Client.Tests;

/// <summary>
/// The packed SDK as a customer receives it: what each .nupkg/.snupkg carries, and both samples building against the
/// packages (not the projects), restored into a package folder of their own so a stale copy of the same version
/// in the machine's cache cannot stand in. Third-party packages come from the machine's default source.
/// </summary>
[Collection(PackedSdkGroup.Name)]
public sealed class PackageTests(PackedSdk sdk)
{
    private static readonly Guid SourceLinkKind = new("CC110556-A091-4D38-9FEC-25AB9A351A6A");
    private static readonly Guid EmbeddedSourceKind = new("0E8A571B-6926-466E-B4AD-8AB04611F5FE");

    [Theory]
    [InlineData("Dongyang.Chat.Protocol")]
    [InlineData("Dongyang.Chat.Client")]
    [InlineData("Dongyang.Chat.Widget")]
    public async Task Package_carries_readme_licence_docs_symbols_and_source_information(string id)
    {
        using var package = ZipFile.OpenRead(sdk.PackageFile(id));
        var metadata = Nuspec(package);
        string Meta(string name) => metadata.Element(metadata.Name.Namespace + name)?.Value ?? "";

        Assert.Equal(id, Meta("id"));
        Assert.Equal(sdk.Version, Meta("version"));
        Assert.False(string.IsNullOrWhiteSpace(Meta("description")));
        var licence = metadata.Element(metadata.Name.Namespace + "license");
        Assert.Equal(("expression", "MIT"), (licence?.Attribute("type")?.Value, licence?.Value));
        Assert.Equal("README.md", Meta("readme"));
        Assert.Contains(package.Entries, e => e.FullName == "README.md" && e.Length > 0);

        // The repository and exact commit the package was built from (SourceLink's git information).
        var repository = metadata.Element(metadata.Name.Namespace + "repository");
        Assert.Equal("git", repository?.Attribute("type")?.Value);
        Assert.Equal(await GitHeadAsync(), repository?.Attribute("commit")?.Value);

        var library = $"lib/net10.0/{id}";
        var assembly = Read(package, library + ".dll");
        var docs = XDocument.Parse(System.Text.Encoding.UTF8.GetString(Read(package, library + ".xml")));
        Assert.Contains(docs.Descendants("member"), m => m.Attribute("name")!.Value.StartsWith("T:" + id, StringComparison.Ordinal) && m.Element("summary") is not null);

        using var symbols = ZipFile.OpenRead(sdk.PackageFile(id, "snupkg"));
        var pdb = Read(symbols, library + ".pdb");
        using var pe = new PEReader(new MemoryStream(assembly));
        var debug = pe.ReadDebugDirectory();
        Assert.Contains(debug, d => d.Type == DebugDirectoryEntryType.Reproducible);
        var codeView = pe.ReadCodeViewDebugDirectoryData(debug.Single(d => d.Type == DebugDirectoryEntryType.CodeView));
        using var pdbProvider = MetadataReaderProvider.FromPortablePdbStream(new MemoryStream(pdb));
        var reader = pdbProvider.GetMetadataReader();
        Assert.Equal(codeView.Guid, new BlobContentId(reader.DebugMetadataHeader!.Id).Guid);

        // A CI build maps source paths (/_/...), embeds generated sources, and carries a SourceLink map when the
        // clone's remote is on GitHub (a clone of a local folder has no web address to link to).
        var documents = reader.Documents.Select(d => reader.GetString(reader.GetDocument(d).Name)).ToList();
        Assert.NotEmpty(documents);
        Assert.All(documents, path => Assert.StartsWith("/_/", path, StringComparison.Ordinal));
        var kinds = reader.CustomDebugInformation.Select(c => reader.GetGuid(reader.GetCustomDebugInformation(c).Kind)).ToList();
        Assert.Contains(EmbeddedSourceKind, kinds);
        foreach (var remote in (await GitAsync("remote")).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if ((await GitAsync("remote", "get-url", remote)).Contains("github.com", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Contains(SourceLinkKind, kinds);
            }
        }
    }

    [Theory]
    [InlineData("Chatbot.Samples.Console", "Dongyang.Chat.Client")]
    [InlineData("Chatbot.Samples.Blazor", "Dongyang.Chat.Widget")]
    [InlineData("Chatbot.Samples.BlazorWasm", "Dongyang.Chat.Widget")]
    public async Task Sample_builds_from_the_packed_packages(string sample, string package)
    {
        var copy = await sdk.BuildSampleAsync(sample);
        var packageCache = PackedSdk.PackageCache(copy);

        // The sample's build output holds exactly the assembly from the packed package.
        using var packed = ZipFile.OpenRead(sdk.PackageFile(package));
        var expected = SHA256.HashData(Read(packed, $"lib/net10.0/{package}.dll"));
        var built = Directory.GetFiles(Path.Combine(copy, "samples", sample, "bin"), package + ".dll", SearchOption.AllDirectories);
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(Assert.Single(built)))));
        Assert.True(Directory.Exists(Path.Combine(packageCache, package.ToLowerInvariant(), sdk.Version)), "restored from the package folder");
        var assets = await File.ReadAllTextAsync(Path.Combine(copy, "samples", sample, "obj", "project.assets.json"));
        Assert.Contains($"\"{package}/{sdk.Version}\": {{\n        \"type\": \"package\"", assets.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tagged_commit_packs_as_its_tag_and_a_later_commit_as_the_next_patch_alpha()
    {
        var clone = Path.Combine(sdk.Root, "tagged-clone");
        await GitInAsync(sdk.Root, "clone", "--quiet", RepositoryPaths.Root, clone);
        string[] author = ["-c", "user.name=Release test", "-c", "user.email=release@example.invalid"];
        await GitInAsync(clone, [.. author, "tag", "-a", "v2.3.4", "-m", "Release 2.3.4"]);
        Assert.Equal("2.3.4", await PackProtocolAsync(clone, "at-tag"));

        await GitInAsync(clone, [.. author, "commit", "--quiet", "--allow-empty", "-m", "After the release"]);
        Assert.Equal("2.3.5-alpha.0.1", await PackProtocolAsync(clone, "after-tag"));
    }

    private async Task<string> PackProtocolAsync(string clone, string name)
    {
        var output = Path.Combine(sdk.Root, name);
        await PackedSdk.DotnetAsync(clone, null, "pack", Path.Combine("sdk", "Dongyang.Chat.Protocol"), "-c", "Release", "-o", output, "-nodeReuse:false");
        return PackedSdk.VersionOf(Directory.GetFiles(output, "*.nupkg").Single(), "Dongyang.Chat.Protocol");
    }

    private static XElement Nuspec(ZipArchive package)
    {
        var entry = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && !e.FullName.Contains('/', StringComparison.Ordinal));
        using var stream = entry.Open();
        var root = XDocument.Load(stream).Root!;
        return root.Element(root.Name.Namespace + "metadata")!;
    }

    private static byte[] Read(ZipArchive archive, string path)
    {
        var entry = archive.GetEntry(path) ?? throw new Xunit.Sdk.XunitException($"{path} is not in the package.");
        using var stream = entry.Open();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    private static async Task<string> GitHeadAsync() => (await GitAsync("rev-parse", "HEAD")).Trim();

    private static Task<string> GitAsync(params string[] arguments) => GitInAsync(RepositoryPaths.Root, arguments);

    private static async Task<string> GitInAsync(string workingDirectory, params string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo("git") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var git = System.Diagnostics.Process.Start(start)!;
        var output = await git.StandardOutput.ReadToEndAsync();
        await git.WaitForExitAsync();
        Assert.True(git.ExitCode == 0, $"git {string.Join(' ', arguments)} failed");
        return output;
    }
}

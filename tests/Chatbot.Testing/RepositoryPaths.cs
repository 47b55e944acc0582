namespace Chatbot.Testing;

public static class RepositoryPaths
{
    /// <summary>The folder that holds Chatbot.sln, found upwards from the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Chatbot.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No Chatbot.sln above {AppContext.BaseDirectory}.");
    }
}

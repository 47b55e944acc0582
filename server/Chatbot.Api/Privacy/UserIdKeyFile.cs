using System.Security.Cryptography;

namespace Chatbot.Api.Privacy;

/// <summary>The user id key the embedded default generates for itself, kept in the data folder so restarts keep history.</summary>
internal static class UserIdKeyFile
{
    public const string FileName = "user-id.key";

    /// <summary>Reads the key in <paramref name="folder"/>, creating it (readable by this user only) on first use.</summary>
    public static byte[] LoadOrCreate(string folder, out bool created)
    {
        var path = Path.Combine(folder, FileName);
        created = false;
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(folder);
            var temporary = Path.Combine(folder, $".{FileName}.{Guid.NewGuid():N}");
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var writer = new StreamWriter(temporary, System.Text.Encoding.ASCII, options))
            {
                writer.Write(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
            }

            try
            {
                // Two instances starting at once on a shared folder: the first key written wins, the other is dropped.
                File.Move(temporary, path, overwrite: false);
                created = true;
            }
            catch (IOException) when (File.Exists(path))
            {
                File.Delete(temporary);
            }
        }

        try
        {
            return Convert.FromBase64String(File.ReadAllText(path).Trim());
        }
        catch (FormatException e)
        {
            throw new InvalidOperationException($"{path} does not hold a base64 key. Restore it from a backup; a new key would cut customers off from their earlier conversations.", e);
        }
    }
}

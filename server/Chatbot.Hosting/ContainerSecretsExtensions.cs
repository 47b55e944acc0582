using Microsoft.Extensions.Configuration;

namespace Chatbot.Hosting;

/// <summary>
/// Compose secrets as configuration: each file in <c>/run/secrets</c> is a setting named like its environment variable
/// (<c>ConnectionStrings__Chatbot</c>), so passwords and keys never sit in the environment.
/// </summary>
public static class ContainerSecretsExtensions
{
    public const string DefaultDirectory = "/run/secrets";

    public static IConfigurationBuilder AddContainerSecrets(this IConfigurationBuilder configuration, string directory = DefaultDirectory) =>
        Directory.Exists(directory)
            ? configuration.AddKeyPerFile(directory, optional: true, reloadOnChange: false)
            : configuration;
}

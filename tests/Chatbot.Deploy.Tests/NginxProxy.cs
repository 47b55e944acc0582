using System.Diagnostics;
using System.Globalization;
using Chatbot.Testing;

namespace Chatbot.Deploy.Tests;

/// <summary>
/// The real nginx (Debian's) running deploy/nginx, the production configuration, templated for loopback the way the
/// nginx image renders it: ${DOMAIN} substituted into the site template, the compose paths moved into a temporary
/// prefix, the listening ports made free loopback ports, the TLS certificate a self-signed one for localhost, and
/// the api upstream pointed at local Api processes.
/// </summary>
public sealed class NginxProxy : IAsyncDisposable
{
    private readonly string nginx;

    private NginxProxy(string nginx, string prefix)
    {
        this.nginx = nginx;
        Prefix = prefix;
    }

    public string Prefix { get; }

    public string ConfigFile => Path.Combine(Prefix, "nginx.conf");

    public string UpstreamFile => Path.Combine(Prefix, "upstreams", "api.conf");

    public string SiteRoot => Path.Combine(Prefix, "html");

    public string CertbotRoot => Path.Combine(Prefix, "certbot");

    public int HttpPort { get; private set; }

    public int HttpsPort { get; private set; }

    /// <summary>Plain HTTP under the site's own name (the configuration's server_name).</summary>
    public Uri HttpBase => new($"http://localhost:{HttpPort}/");

    /// <summary>Plain HTTP by bare address: a Host that is not the site's, as scanners send.</summary>
    public Uri HttpByAddress => new($"http://127.0.0.1:{HttpPort}/");

    public string AdminAllowFolder => Path.Combine(Prefix, "admin-allow");

    /// <summary>The site key the sample page is served with, as DEMO_SITE_KEY sets it in production.</summary>
    public const string DemoSiteKey = "pk_demo_host";

    public Uri HttpsBase => new($"https://localhost:{HttpsPort}/");

    /// <summary>The command line that reloads this nginx, as deploy.sh runs it.</summary>
    public string ReloadCommand => $"{nginx} -p {Prefix}/ -c {ConfigFile} -e {Prefix}/logs/error.log -s reload";

    public string TestCommand => $"{nginx} -p {Prefix}/ -c {ConfigFile} -e {Prefix}/logs/error.log -t";

    /// <summary>Renders the configuration and starts nginx in front of <paramref name="apiAddresses"/> (host:port).</summary>
    public static async Task<NginxProxy> StartAsync(params string[] apiAddresses)
    {
        var proxy = await RenderAsync(apiAddresses);
        var test = await proxy.RunAsync("-t");
        if (test.ExitCode != 0)
        {
            throw new InvalidOperationException($"nginx -t failed:\n{test}");
        }

        var start = await proxy.RunAsync();
        if (start.ExitCode != 0)
        {
            throw new InvalidOperationException($"nginx did not start:\n{start}");
        }

        await proxy.WaitListeningAsync();
        return proxy;
    }

    public static async Task<NginxProxy> RenderAsync(params string[] apiAddresses)
    {
        var nginx = Tool.Require("nginx", "Debian package nginx");
        var openssl = Tool.Require("openssl", "Debian package openssl");
        var prefix = Directory.CreateTempSubdirectory("chatbot-nginx-").FullName;
        var proxy = new NginxProxy(nginx, prefix) { HttpPort = Tool.FreePort(), HttpsPort = Tool.FreePort() };
        var source = Path.Combine(RepositoryPaths.Root, "deploy", "nginx");
        foreach (var folder in new[] { "logs", "conf.d", "snippets", "upstreams", "admin-allow", "certs", "html", "certbot/.well-known/acme-challenge" })
        {
            Directory.CreateDirectory(Path.Combine(prefix, folder));
        }

        string Localize(string text) => text
            .Replace("/etc/nginx/snippets/", $"{prefix}/snippets/", StringComparison.Ordinal)
            .Replace("/etc/nginx/upstreams/", $"{prefix}/upstreams/", StringComparison.Ordinal)
            .Replace("/etc/nginx/admin-allow/", $"{prefix}/admin-allow/", StringComparison.Ordinal)
            .Replace("/etc/nginx/conf.d/", $"{prefix}/conf.d/", StringComparison.Ordinal)
            .Replace("/var/log/nginx/", $"{prefix}/logs/", StringComparison.Ordinal)
            .Replace("/var/run/nginx.pid", $"{prefix}/nginx.pid", StringComparison.Ordinal)
            .Replace("/usr/share/nginx/html", $"{prefix}/html", StringComparison.Ordinal)
            .Replace("/var/www/certbot", $"{prefix}/certbot", StringComparison.Ordinal);

        var main = Localize(await File.ReadAllTextAsync(Path.Combine(source, "nginx.conf")));
        // The worker user of the image does not exist here; nginx keeps its default.
        main = main.Replace("user  nginx;\n", "", StringComparison.Ordinal);
        await File.WriteAllTextAsync(proxy.ConfigFile, main);

        foreach (var snippet in Directory.EnumerateFiles(Path.Combine(source, "snippets")))
        {
            await File.WriteAllTextAsync(Path.Combine(prefix, "snippets", Path.GetFileName(snippet)), Localize(await File.ReadAllTextAsync(snippet)));
        }

        foreach (var allowed in Directory.EnumerateFiles(Path.Combine(source, "admin-allow")))
        {
            File.Copy(allowed, Path.Combine(prefix, "admin-allow", Path.GetFileName(allowed)));
        }

        var site = Localize(await File.ReadAllTextAsync(Path.Combine(source, "templates", "default.conf.template")))
            .Replace("${DOMAIN}", "localhost", StringComparison.Ordinal)
            .Replace("${DEMO_SITE_KEY}", DemoSiteKey, StringComparison.Ordinal)
            .Replace("listen 80 default_server;", $"listen 127.0.0.1:{proxy.HttpPort} default_server;", StringComparison.Ordinal)
            .Replace("listen 443 ssl default_server;", $"listen 127.0.0.1:{proxy.HttpsPort} ssl default_server;", StringComparison.Ordinal)
            .Replace("/etc/letsencrypt/live/localhost/", $"{prefix}/certs/", StringComparison.Ordinal)
            .Replace("listen 80;", $"listen 127.0.0.1:{proxy.HttpPort};", StringComparison.Ordinal)
            .Replace("listen 443 ssl http2;", $"listen 127.0.0.1:{proxy.HttpsPort} ssl http2;", StringComparison.Ordinal);
        site = string.Join('\n', site.Split('\n').Where(line => !line.Contains("listen [::]", StringComparison.Ordinal)));
        await File.WriteAllTextAsync(Path.Combine(prefix, "conf.d", "default.conf"), site);

        await proxy.WriteUpstreamAsync(apiAddresses);

        var certificate = await Tool.RunAsync(openssl, ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
            "-keyout", Path.Combine(prefix, "certs", "privkey.pem"), "-out", Path.Combine(prefix, "certs", "fullchain.pem")]);
        if (certificate.ExitCode != 0)
        {
            throw new InvalidOperationException($"openssl could not make a test certificate:\n{certificate}");
        }

        // nginx's workers run as an unprivileged user: let them read the prefix.
        if (OperatingSystem.IsLinux())
        {
            foreach (var directory in Directory.EnumerateDirectories(prefix, "*", SearchOption.AllDirectories).Append(prefix))
            {
                File.SetUnixFileMode(directory, (UnixFileMode)Convert.ToInt32("755", 8));
            }
        }

        return proxy;
    }

    /// <summary>Writes the upstream file as deploy/nginx/upstreams/api.conf has it, with the given servers.</summary>
    public async Task WriteUpstreamAsync(IEnumerable<string> apiAddresses)
    {
        var source = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "deploy", "nginx", "upstreams", "api.conf"));
        var lines = source.Split('\n').ToList();
        var index = lines.FindIndex(l => l.TrimStart().StartsWith("server api:8080", StringComparison.Ordinal));
        var template = lines[index];
        lines.RemoveAt(index);
        lines.InsertRange(index, apiAddresses.Select(a => template.Replace("api:8080", a, StringComparison.Ordinal)));
        await File.WriteAllTextAsync(UpstreamFile, string.Join('\n', lines));
    }

    public Task<ToolResult> RunAsync(params string[] arguments) =>
        Tool.RunAsync(nginx, ["-p", Prefix + "/", "-c", ConfigFile, "-e", Path.Combine(Prefix, "logs", "error.log"), .. arguments]);

    public async Task ReloadAsync()
    {
        var reload = await RunAsync("-s", "reload");
        if (reload.ExitCode != 0)
        {
            throw new InvalidOperationException($"nginx reload failed:\n{reload}");
        }
    }

    public string ErrorLog => File.Exists(Path.Combine(Prefix, "logs", "error.log")) ? File.ReadAllText(Path.Combine(Prefix, "logs", "error.log")) : "";

    public async ValueTask DisposeAsync()
    {
        var pidFile = Path.Combine(Prefix, "nginx.pid");
        if (File.Exists(pidFile) && int.TryParse((await File.ReadAllTextAsync(pidFile)).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid))
        {
            await RunAsync("-s", "quit");
            using var master = TryGetProcess(pid);
            if (master is not null && !await WaitExitAsync(master, TimeSpan.FromSeconds(10)))
            {
                master.Kill(entireProcessTree: true);
            }
        }

        Directory.Delete(Prefix, recursive: true);
    }

    private async Task WaitListeningAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var attempt = 0; attempt < 50; attempt++)
        {
            try
            {
                using var response = await http.GetAsync(new Uri(HttpBase, "/.well-known/acme-challenge/none"));
                return;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100);
            }
        }

        throw new InvalidOperationException($"nginx does not answer on {HttpBase}:\n{ErrorLog}");
    }

    private static Process? TryGetProcess(int pid)
    {
        try
        {
            return Process.GetProcessById(pid);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static async Task<bool> WaitExitAsync(Process process, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}

using System.ComponentModel.DataAnnotations;

namespace Chatbot.Hosting;

/// <summary>
/// Who may tell the app the client's address and scheme (<c>X-Forwarded-For</c>, <c>X-Forwarded-Proto</c>), bound from
/// the "ReverseProxy" section. Headers from any other peer, loopback included, are ignored, so a client cannot spoof
/// its address. Empty (the default) trusts nobody.
/// </summary>
public sealed class ReverseProxyOptions
{
    public const string SectionName = "ReverseProxy";

    /// <summary>Addresses of trusted proxies, e.g. <c>127.0.0.1</c> for an nginx on the same host. Loopback is not trusted unless listed.</summary>
    public IList<string> KnownProxies { get; } = [];

    /// <summary>Trusted networks in CIDR form, e.g. the compose network <c>172.28.0.0/16</c>.</summary>
    public IList<string> KnownNetworks { get; } = [];

    /// <summary>How many proxies deep to trust; 1 for nginx alone, 2 with a load balancer in front of it.</summary>
    [Range(1, 10)]
    public int ForwardLimit { get; set; } = 1;
}

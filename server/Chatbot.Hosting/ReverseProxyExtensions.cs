using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Chatbot.Hosting;

/// <summary>
/// Trusts the forwarded headers of the configured proxies (nginx in the deployed stack), and of nobody else: the
/// framework's default trust of loopback is removed, so another process on the host cannot claim a client address.
/// Only the client's address and scheme are taken (<c>X-Forwarded-For</c>, <c>X-Forwarded-Proto</c>); the Host stays
/// the one the request was sent with, and <c>AllowedHosts</c> (host filtering) decides which are answered.
/// </summary>
public static class ReverseProxyExtensions
{
    public static IServiceCollection AddReverseProxySupport(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ReverseProxyOptions>()
            .Bind(configuration.GetSection(ReverseProxyOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(o => o.KnownProxies.All(p => IPAddress.TryParse(p, out _)), "ReverseProxy:KnownProxies must hold IP addresses.")
            .Validate(o => o.KnownNetworks.All(n => System.Net.IPNetwork.TryParse(n, out _)), "ReverseProxy:KnownNetworks must hold CIDR networks such as 172.28.0.0/16.")
            .ValidateOnStart();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ReverseProxyOptions>>((forwarded, proxy) =>
        {
            // Both lists empty would mean "trust every peer" to the middleware, so nothing configured forwards nothing.
            var trustsAnyone = proxy.Value.KnownProxies.Count > 0 || proxy.Value.KnownNetworks.Count > 0;
            forwarded.ForwardedHeaders = trustsAnyone ? ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto : ForwardedHeaders.None;
            forwarded.ForwardLimit = proxy.Value.ForwardLimit;

            // The defaults trust 127.0.0.0/8 and ::1, and the middleware still reads the obsolete KnownNetworks list
            // beside KnownIPNetworks: all three are emptied, so only what ReverseProxy names is trusted.
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
#pragma warning disable ASPDEPR005 // KnownNetworks is obsolete, but its default entry (127.0.0.0/8) is still honoured.
            forwarded.KnownNetworks.Clear();
#pragma warning restore ASPDEPR005
            foreach (var address in proxy.Value.KnownProxies)
            {
                forwarded.KnownProxies.Add(IPAddress.Parse(address));
            }

            foreach (var network in proxy.Value.KnownNetworks)
            {
                forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
        return services;
    }

    /// <summary>
    /// Must run first, so that everything after it sees the client's address and scheme. With no proxy configured the
    /// middleware is left out: given empty lists it would believe every peer.
    /// </summary>
    public static IApplicationBuilder UseReverseProxySupport(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var proxy = app.ApplicationServices.GetRequiredService<IOptions<ReverseProxyOptions>>().Value;
        return proxy.KnownProxies.Count == 0 && proxy.KnownNetworks.Count == 0 ? app : app.UseForwardedHeaders();
    }
}

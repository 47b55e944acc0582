using System.Net;
using System.Net.Sockets;

namespace Chatbot.Api.RateLimiting;

/// <summary>The key that per-address budgets and caps are kept under.</summary>
internal static class ClientAddress
{
    /// <summary>
    /// The connection's address as the forwarded-headers middleware left it (a trusted proxy's X-Forwarded-For, else
    /// the peer). An IPv6 client counts by its /64, because one subscriber is usually handed a whole /64 and could
    /// otherwise take a new address for every request.
    /// </summary>
    public static string Of(HttpContext? http)
    {
        var address = http?.Connection.RemoteIpAddress;
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6 || IPAddress.IsLoopback(address))
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return $"{new IPAddress(bytes)}/64";
    }
}

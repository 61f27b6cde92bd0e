using System.Net;
using System.Net.Sockets;

namespace UserSystem.Server.Security;

/// <summary>
/// The key a peer's address is limited by: an IPv4 address as it is, an IPv6 address by its /64
/// (one host is usually handed a whole /64, so keying the full address would give it 2^64 buckets).
/// Read after the forwarded headers, so behind a known proxy it is the client's address.
/// </summary>
public static class PeerAddress
{
    public static string KeyOf(HttpContext context) => KeyOf(context.Connection.RemoteIpAddress);

    public static string KeyOf(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString() + "/64";
    }
}

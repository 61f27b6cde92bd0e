using System.Net;
using System.Net.Sockets;

namespace UserSystem.Testing;

/// <summary>Ports for the real servers the tests start (ours, PostgreSQL, Redis, Prometheus, Caddy).</summary>
public static class LoopbackPorts
{
    /// <summary>A loopback port that was free a moment ago (the OS picks it; the caller binds it next).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

using System.Net;

namespace UserSystem.Server.Hosting;

/// <summary>The <c>Server</c> configuration section: where the server listens and how it stops.</summary>
public sealed class ServerOptions
{
    public const string SectionName = "Server";

    /// <summary>gRPC over HTTP/2 (h2c). 0 picks a free port.</summary>
    public int GrpcPort { get; set; } = 50051;

    /// <summary>HTTP/1.1 and HTTP/2: <c>/healthz</c> now; REST, gRPC-Web and the console later. 0 picks a free port.</summary>
    public int HttpPort { get; set; } = 8080;

    /// <summary>The IP address both endpoints bind to; loopback unless told otherwise.</summary>
    public string BindAddress { get; set; } = IPAddress.Loopback.ToString();

    /// <summary>How long a stop waits for in-flight calls before it cuts them off.</summary>
    public int ShutdownTimeoutSeconds { get; set; } = 10;

    /// <summary>TLS and mutual TLS for both endpoints; off (h2c and plain HTTP) unless a certificate is set.</summary>
    public TlsOptions Tls { get; set; } = new();
}

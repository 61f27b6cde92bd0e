using System.ComponentModel.DataAnnotations;
using System.Net;
using Microsoft.Extensions.Options;

namespace UserSystem.Server.Hosting;

/// <summary>The <c>Server</c> configuration section: where the server listens and how it stops.</summary>
public sealed class ServerOptions
{
    public const string SectionName = "Server";

    /// <summary>gRPC over HTTP/2 (h2c without TLS). 0 picks a free port.</summary>
    [Range(0, 65535)]
    public int GrpcPort { get; set; } = 50051;

    /// <summary>HTTP/1.1 (and HTTP/2 with TLS): REST, gRPC-Web, the console, <c>/healthz</c> and <c>/metrics</c>. 0 picks a free port.</summary>
    [Range(0, 65535)]
    public int HttpPort { get; set; } = 8080;

    /// <summary>The IP address both endpoints bind to; loopback unless told otherwise.</summary>
    [IpAddress]
    public string BindAddress { get; set; } = IPAddress.Loopback.ToString();

    /// <summary>How long a stop waits for in-flight calls before it cuts them off.</summary>
    [Range(1, 300)]
    public int ShutdownTimeoutSeconds { get; set; } = 10;

    /// <summary>
    /// How long a closing gRPC connection waits for the client to close it after the last answer
    /// (a lingering close, so a client still reading loses nothing); 0 closes at once.
    /// </summary>
    [Range(0, 60)]
    public int CloseLingerSeconds { get; set; } = 5;

    /// <summary>
    /// Once the server ends a stream (a stop, <c>Limits:MaxStreamDurationSeconds</c>), how long the
    /// answer in flight may wait for a client that stopped reading; then the call ends without it.
    /// </summary>
    [Range(1, 300)]
    public int StreamAnswerTimeoutSeconds { get; set; } = 10;

    /// <summary>
    /// Says that a TLS-terminating proxy or service mesh is the only way to reach this server, so
    /// <c>Auth:Mode=Jwt</c> may bind beyond loopback without <see cref="Tls"/>. Without TLS or this
    /// setting such a server refuses to start: bearer tokens would cross the network in clear text.
    /// </summary>
    public bool BehindTlsProxy { get; set; }

    /// <summary>
    /// Serves gRPC reflection (the list of services and their schemas, to anyone: it needs no
    /// token). Unset: on, except in the Production environment, where it must be asked for.
    /// </summary>
    public bool? Reflection { get; set; }

    /// <summary>The most connections Kestrel holds open at once on each endpoint (gRPC, HTTP); more are closed at once. Unset: no cap.</summary>
    [Range(1, 10_000_000)]
    public long? MaxConcurrentConnections { get; set; }

    /// <summary>TLS and mutual TLS for both endpoints; off (h2c and plain HTTP) unless a certificate is set.</summary>
    public TlsOptions Tls { get; set; } = new();
}

public static class ServerOptionsExtensions
{
    /// <summary>Whether reflection is served: as configured, else everywhere but in Production.</summary>
    public static bool ServesReflection(this ServerOptions options, IHostEnvironment environment) =>
        options.Reflection ?? !environment.IsProduction();
}

/// <summary>The <c>Server</c> section's annotations, checked by generated code.</summary>
[OptionsValidator]
public sealed partial class ServerOptionsValidator : IValidateOptions<ServerOptions>;

/// <summary>The two endpoints cannot share a port (0, "any free port", excepted).</summary>
public sealed class ServerPortsValidator : IValidateOptions<ServerOptions>
{
    public ValidateOptionsResult Validate(string? name, ServerOptions options) =>
        options.GrpcPort != 0 && options.GrpcPort == options.HttpPort
            ? ValidateOptionsResult.Fail($"Server:GrpcPort and Server:HttpPort must differ (both are {options.GrpcPort}).")
            : ValidateOptionsResult.Success;
}

namespace UserSystem.Client;

/// <summary>
/// How to reach the user service: one address, or several for client-side round-robin balancing,
/// plus TLS, a bearer token, default deadlines and the retry budget. Checked by
/// <see cref="UserSystemClientOptionsValidator"/> before the first channel is built.
/// </summary>
public sealed class UserSystemClientOptions
{
    /// <summary>The default address: the server's default gRPC port on loopback.</summary>
    public static readonly Uri DefaultAddress = new("http://127.0.0.1:50051");

    /// <summary>
    /// Server addresses (<c>http://</c> for h2c, <c>https://</c> for TLS, all the same scheme).
    /// Several addresses are balanced round-robin by the channel. Empty means <see cref="DefaultAddress"/>.
    /// </summary>
    public IList<Uri> Addresses { get; } = [];

    /// <summary>PEM file of the certificate authority that signed the server certificate (else the system store is used).</summary>
    public string? CaCertificatePath { get; set; }

    /// <summary>PEM client certificate for mutual TLS; needs <see cref="ClientKeyPath"/>.</summary>
    public string? ClientCertificatePath { get; set; }

    /// <summary>PEM private key of <see cref="ClientCertificatePath"/>.</summary>
    public string? ClientKeyPath { get; set; }

    /// <summary>
    /// Supplies the bearer token for each call (sent as <c>authorization: Bearer ...</c>);
    /// null or an empty result sends no header.
    /// </summary>
    public Func<CancellationToken, ValueTask<string?>>? TokenProvider { get; set; }

    /// <summary>
    /// Allows a bearer token over <c>http://</c> (h2c) to an address that is not loopback. Off by
    /// default: the token would cross the network in clear text. Turn it on only when something
    /// else encrypts the path (e.g. a sidecar or a VPN) and say so where it is configured.
    /// </summary>
    public bool AllowTokenOverPlaintext { get; set; }

    /// <summary>Deadline for unary calls that set none (the seed's 5 s).</summary>
    public TimeSpan UnaryDeadline { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Deadline for streaming calls that set none (the seed's 30 s).</summary>
    public TimeSpan StreamDeadline { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Attempts per call, the first included, when the server answers UNAVAILABLE (2-5; 1 disables retries).</summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>The first retry waits a random time up to this; each further one up to twice as long.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest wait between two attempts.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The longest wait between two attempts to reconnect to an address that failed. Short, so that
    /// an instance that comes back (a rolling restart) gets calls again within seconds; grpc-dotnet's
    /// own default is 120 s, long enough for the next instance to stop while this one is still avoided.
    /// </summary>
    public TimeSpan MaxReconnectBackoff { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The addresses in effect: <see cref="Addresses"/>, or the default one.</summary>
    public IReadOnlyList<Uri> EffectiveAddresses => Addresses.Count > 0 ? [.. Addresses] : [DefaultAddress];

    /// <summary>Sets a fixed bearer token (convenience over <see cref="TokenProvider"/>).</summary>
    public UserSystemClientOptions UseToken(string? token)
    {
        TokenProvider = string.IsNullOrEmpty(token) ? null : _ => ValueTask.FromResult<string?>(token);
        return this;
    }
}

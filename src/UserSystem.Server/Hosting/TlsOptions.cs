namespace UserSystem.Server.Hosting;

/// <summary>
/// The <c>Server:Tls</c> section. With a certificate both ports speak TLS (the HTTP port then
/// negotiates HTTP/1.1 or HTTP/2 by ALPN); with a client CA every connection must also present a
/// client certificate issued by it (mutual TLS).
/// </summary>
public sealed class TlsOptions
{
    /// <summary>PEM certificate (chain) of the server.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>PEM private key (PKCS#8 or PKCS#1/SEC1) of the certificate.</summary>
    public string? KeyPath { get; set; }

    /// <summary>PEM CA certificate(s); when set, client certificates are mandatory and must chain to one of them.</summary>
    public string? ClientCaPath { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(CertificatePath);
}

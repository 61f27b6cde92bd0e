using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Security;

/// <summary>
/// A throw-away CA with a server certificate (SAN 127.0.0.1 and localhost) and client
/// certificates, made in process and written as PEM files: the tests need no openssl.
/// </summary>
public sealed class TestPki : IDisposable
{
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";
    private readonly TempDirectory _directory = new();

    public TestPki()
    {
        Ca = CreateCa("CN=User System Test CA");
        ServerCertificatePath = _directory.File("server.pem");
        ServerKeyPath = _directory.File("server-key.pem");
        CaPath = _directory.File("ca.pem");
        var server = Issue(Ca, "CN=localhost", ServerAuthentication, withServerNames: true);
        File.WriteAllText(ServerCertificatePath, server.ExportCertificatePem());
        File.WriteAllText(ServerKeyPath, server.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(CaPath, Ca.ExportCertificatePem());
        ClientCertificate = Issue(Ca, "CN=test-client", ClientAuthentication, withServerNames: false);
        using var stranger = CreateCa("CN=Some Other CA");
        StrangerClientCertificate = Issue(stranger, "CN=stranger", ClientAuthentication, withServerNames: false);
    }

    public X509Certificate2 Ca { get; }

    public string CaPath { get; }

    public string ServerCertificatePath { get; }

    public string ServerKeyPath { get; }

    public X509Certificate2 ClientCertificate { get; }

    /// <summary>A client certificate from a CA the server does not trust.</summary>
    public X509Certificate2 StrangerClientCertificate { get; }

    /// <summary>Server settings for TLS, and with <paramref name="requireClientCertificates"/> for mutual TLS.</summary>
    public string[] ServerSettings(bool requireClientCertificates) =>
    [
        $"Server:Tls:CertificatePath={ServerCertificatePath}",
        $"Server:Tls:KeyPath={ServerKeyPath}",
        .. requireClientCertificates ? new[] { $"Server:Tls:ClientCaPath={CaPath}" } : [],
    ];

    /// <summary>A handler that trusts only this CA's server certificates and optionally presents a client certificate.</summary>
    public SocketsHttpHandler Handler(X509Certificate2? clientCertificate = null)
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
        {
            if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
            {
                return false;
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(Ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(new X509Certificate2(certificate));
        };
        if (clientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [clientCertificate];
        }

        return handler;
    }

    public void Dispose()
    {
        Ca.Dispose();
        ClientCertificate.Dispose();
        StrangerClientCertificate.Dispose();
        _directory.Dispose();
    }

    private static X509Certificate2 CreateCa(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-2), DateTimeOffset.UtcNow.AddDays(2));
    }

    private static X509Certificate2 Issue(X509Certificate2 issuer, string subject, string usage, bool withServerNames)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        if (withServerNames)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            names.AddDnsName("localhost");
            request.CertificateExtensions.Add(names.Build());
        }

        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        // Strictly inside the issuer's validity, which CertificateRequest.Create insists on.
        using var issued = request.Create(issuer, issuer.NotBefore.AddDays(1), issuer.NotAfter.AddDays(-1), serial);
        return issued.CopyWithPrivateKey(key);
    }
}

using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace UserSystem.Client.Tests;

/// <summary>
/// A private certificate authority made for one test, with a server certificate for 127.0.0.1
/// and a client certificate it signed, written as PEM files the way an operator would hand them over.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private readonly UserSystem.Testing.TempDirectory _directory = new();

    public TestCertificates()
    {
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=User System Test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        Authority = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        Server = Issue("CN=127.0.0.1", serverAuth: true);
        Client = Issue("CN=test-client", serverAuth: false);
        CaPath = Write("ca.pem", Authority.ExportCertificatePem());
        ClientCertificatePath = Write("client.pem", Client.ExportCertificatePem());
        ClientKeyPath = Write("client.key", Client.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());
    }

    public X509Certificate2 Authority { get; }

    public X509Certificate2 Server { get; }

    public X509Certificate2 Client { get; }

    public string CaPath { get; }

    public string ClientCertificatePath { get; }

    public string ClientKeyPath { get; }

    public void Dispose()
    {
        Authority.Dispose();
        Server.Dispose();
        Client.Dispose();
        _directory.Dispose();
    }

    private X509Certificate2 Issue(string subject, bool serverAuth)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(serverAuth ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        if (serverAuth)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            names.AddDnsName("localhost");
            request.CertificateExtensions.Add(names.Build());
        }

        using var issued = request.Create(Authority, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(12), RandomNumberGenerator.GetBytes(8));
        using var withKey = issued.CopyWithPrivateKey(key);
        // Kestrel on Linux needs an exportable key it can hand to SslStream: round-trip through PKCS#12.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), password: null);
    }

    private string Write(string name, string pem)
    {
        var path = _directory.File(name);
        File.WriteAllText(path, pem);
        return path;
    }
}

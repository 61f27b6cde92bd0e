using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace UserSystem.Server.Hosting;

/// <summary>The loaded certificates of <see cref="TlsOptions"/>, applied to Kestrel endpoints.</summary>
internal sealed class ServerTls(X509Certificate2 certificate, X509Certificate2Collection? clientCas)
{
    // id-kp-clientAuth: a client certificate must be meant for client authentication.
    private const string ClientAuthenticationUsage = "1.3.6.1.5.5.7.3.2";

    public static ServerTls? Load(TlsOptions tls) => tls.Enabled
        ? new ServerTls(X509Certificate2.CreateFromPemFile(tls.CertificatePath!, tls.KeyPath), LoadClientCas(tls.ClientCaPath))
        : null;

    public static X509Certificate2Collection? LoadClientCas(string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return null;
        }

        var cas = new X509Certificate2Collection();
        cas.ImportFromPemFile(path);
        return cas;
    }

    public void Apply(ListenOptions listen) => listen.UseHttps(https =>
    {
        https.ServerCertificate = certificate;
        if (clientCas is null)
        {
            return;
        }

        https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
        // Trust only the configured CA(s), not the machine's store: any public CA could otherwise issue a client cert.
        https.ClientCertificateValidation = (clientCertificate, _, _) => ChainsToClientCa(clientCertificate);
    });

    private bool ChainsToClientCa(X509Certificate2 clientCertificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(clientCas!);
        // A development CA publishes no revocation list; operators needing revocation front this with a proxy.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid(ClientAuthenticationUsage));
        return chain.Build(clientCertificate);
    }
}

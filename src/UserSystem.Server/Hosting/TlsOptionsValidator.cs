using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace UserSystem.Server.Hosting;

/// <summary>Rejects a <c>Server:Tls</c> section whose files are missing or do not load, naming the setting.</summary>
public sealed class TlsOptionsValidator : IValidateOptions<ServerOptions>
{
    public ValidateOptionsResult Validate(string? name, ServerOptions options)
    {
        var tls = options.Tls;
        var failures = new List<string>();
        if (!tls.Enabled)
        {
            if (!string.IsNullOrWhiteSpace(tls.KeyPath) || !string.IsNullOrWhiteSpace(tls.ClientCaPath))
            {
                failures.Add("Server:Tls:KeyPath and Server:Tls:ClientCaPath need Server:Tls:CertificatePath.");
            }

            return Result(failures);
        }

        RequireFile(failures, "Server:Tls:CertificatePath", tls.CertificatePath);
        RequireFile(failures, "Server:Tls:KeyPath", tls.KeyPath);
        if (!string.IsNullOrWhiteSpace(tls.ClientCaPath))
        {
            RequireFile(failures, "Server:Tls:ClientCaPath", tls.ClientCaPath);
        }

        if (failures.Count == 0)
        {
            TryLoad(failures, tls);
        }

        return Result(failures);
    }

    private static void RequireFile(List<string> failures, string key, string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            failures.Add($"{key} must be set when TLS is configured.");
        }
        else if (!File.Exists(path))
        {
            failures.Add($"{key} '{path}' does not exist.");
        }
    }

    private static void TryLoad(List<string> failures, TlsOptions tls)
    {
        try
        {
            using var certificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(tls.CertificatePath!, tls.KeyPath);
        }
        catch (CryptographicException exception)
        {
            failures.Add($"Server:Tls:CertificatePath and Server:Tls:KeyPath do not load as a PEM certificate with its key: {exception.Message}");
        }

        try
        {
            if (ServerTls.LoadClientCas(tls.ClientCaPath) is { Count: 0 })
            {
                failures.Add($"Server:Tls:ClientCaPath '{tls.ClientCaPath}' holds no PEM certificate.");
            }
        }
        catch (CryptographicException exception)
        {
            failures.Add($"Server:Tls:ClientCaPath does not load as PEM certificates: {exception.Message}");
        }
    }

    private static ValidateOptionsResult Result(List<string> failures) =>
        failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
}

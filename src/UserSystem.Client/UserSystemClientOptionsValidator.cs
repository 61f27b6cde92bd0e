using Microsoft.Extensions.Options;

namespace UserSystem.Client;

/// <summary>Rejects a client configuration that could only fail later, naming the setting.</summary>
public sealed class UserSystemClientOptionsValidator : IValidateOptions<UserSystemClientOptions>
{
    /// <summary>grpc-dotnet caps retry attempts at 5 (more are silently lowered); we say so instead.</summary>
    public const int MaxRetryAttempts = 5;

    public ValidateOptionsResult Validate(string? name, UserSystemClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var addresses = options.EffectiveAddresses;
        foreach (var address in addresses)
        {
            if (!address.IsAbsoluteUri || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps))
            {
                failures.Add($"Addresses: '{address}' must be an absolute http:// or https:// address.");
            }
        }

        if (addresses.Select(address => address.Scheme).Distinct(StringComparer.Ordinal).Count() > 1)
        {
            failures.Add("Addresses: all addresses must use the same scheme (http or https).");
        }

        if ((options.ClientCertificatePath is null) != (options.ClientKeyPath is null))
        {
            failures.Add("ClientCertificatePath and ClientKeyPath: set both or neither.");
        }

        foreach (var (setting, path) in new[] { ("CaCertificatePath", options.CaCertificatePath), ("ClientCertificatePath", options.ClientCertificatePath), ("ClientKeyPath", options.ClientKeyPath) })
        {
            if (path is not null && !File.Exists(path))
            {
                failures.Add($"{setting}: file '{path}' does not exist.");
            }
        }

        if ((options.CaCertificatePath is not null || options.ClientCertificatePath is not null) && addresses.Any(address => address.Scheme != Uri.UriSchemeHttps))
        {
            failures.Add("CaCertificatePath/ClientCertificatePath: TLS files need https:// addresses.");
        }

        var exposed = addresses.Where(address => address.IsAbsoluteUri && address.Scheme == Uri.UriSchemeHttp && !IsLoopback(address)).ToArray();
        if (options.TokenProvider is not null && !options.AllowTokenOverPlaintext && exposed.Length > 0)
        {
            failures.Add($"Addresses: a bearer token would be sent in clear text to {string.Join(", ", exposed.Select(address => address.Authority))}; use https:// (TLS), or set AllowTokenOverPlaintext if the path is encrypted otherwise.");
        }

        if (options.UnaryDeadline <= TimeSpan.Zero || options.StreamDeadline <= TimeSpan.Zero)
        {
            failures.Add("UnaryDeadline and StreamDeadline must be positive.");
        }

        if (options.MaxAttempts is < 1 or > MaxRetryAttempts)
        {
            failures.Add($"MaxAttempts must be 1-{MaxRetryAttempts}.");
        }

        if (options.InitialBackoff <= TimeSpan.Zero || options.MaxBackoff < options.InitialBackoff)
        {
            failures.Add("InitialBackoff must be positive and MaxBackoff at least InitialBackoff.");
        }

        if (options.MaxReconnectBackoff <= TimeSpan.Zero)
        {
            failures.Add("MaxReconnectBackoff must be positive.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>localhost, or a loopback IP literal (127.0.0.0/8, ::1): traffic that never leaves the machine.</summary>
    public static bool IsLoopback(Uri address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.IsLoopback || (System.Net.IPAddress.TryParse(address.IdnHost, out var ip) && System.Net.IPAddress.IsLoopback(ip));
    }
}

using System.ComponentModel.DataAnnotations;
using System.Net;
using Microsoft.Extensions.Options;

namespace UserSystem.Server.Hosting;

/// <summary>
/// The <c>Proxy</c> section: the reverse proxies whose <c>X-Forwarded-For</c> and
/// <c>X-Forwarded-Proto</c> are believed. A request from anywhere else keeps its own peer address,
/// so a client cannot pick the address its limits are counted against. Empty (the default): no
/// forwarded header is honoured, not even from loopback.
/// </summary>
public sealed class ProxyOptions
{
    public const string SectionName = "Proxy";

    /// <summary>Proxy IP addresses, e.g. <c>10.0.0.5</c>.</summary>
    public IList<string> KnownProxies { get; } = [];

    /// <summary>Proxy networks in CIDR notation, e.g. <c>10.0.0.0/8</c> (a compose network).</summary>
    public IList<string> KnownNetworks { get; } = [];

    /// <summary>How many proxies in a row are believed, read from the right of <c>X-Forwarded-For</c>.</summary>
    [Range(1, 10)]
    public int ForwardLimit { get; set; } = 1;
}

/// <summary>The <c>Proxy</c> section's annotations, checked by generated code.</summary>
[OptionsValidator]
public sealed partial class ProxyOptionsValidator : IValidateOptions<ProxyOptions>;

/// <summary>Every proxy is an IP address and every network a CIDR range.</summary>
public sealed class ProxyAddressesValidator : IValidateOptions<ProxyOptions>
{
    public ValidateOptionsResult Validate(string? name, ProxyOptions options)
    {
        var failures = options.KnownProxies.Where(proxy => !IPAddress.TryParse(proxy, out _))
            .Select(proxy => $"Proxy:KnownProxies: '{proxy}' is not an IP address.")
            .Concat(options.KnownNetworks.Where(network => !IPNetwork.TryParse(network, out _))
                .Select(network => $"Proxy:KnownNetworks: '{network}' is not a network in CIDR notation (e.g. 10.0.0.0/8)."))
            .ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

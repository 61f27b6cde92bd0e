using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace UserSystem.Server.Hosting;

public static class ForwardedHeadersExtensions
{
    /// <summary>
    /// ASP.NET Core's forwarded headers, believed only from the proxies of the validated
    /// <c>Proxy</c> section. The framework's defaults (loopback is a known proxy) are cleared:
    /// otherwise anything on the server's own host could choose its address.
    /// </summary>
    public static IServiceCollection AddUserForwardedHeaders(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<ProxyOptions, ProxyOptionsValidator>(configuration, ProxyOptions.SectionName)
            .ValidateWith<ProxyOptions, ProxyAddressesValidator>();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ProxyOptions>>((forwarded, proxy) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            forwarded.ForwardLimit = proxy.Value.ForwardLimit;
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var address in proxy.Value.KnownProxies)
            {
                forwarded.KnownProxies.Add(IPAddress.Parse(address));
            }

            foreach (var network in proxy.Value.KnownNetworks)
            {
                forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
        return services;
    }

    /// <summary>
    /// First of all, so every later step (limits, logs) sees the client's address, not the proxy's.
    /// Only with a proxy configured: the framework's middleware believes every peer when both its
    /// lists are empty.
    /// </summary>
    public static WebApplication UseUserForwardedHeaders(this WebApplication app)
    {
        var proxy = app.Services.GetRequiredService<IOptions<ProxyOptions>>().Value;
        if (proxy.KnownProxies.Count > 0 || proxy.KnownNetworks.Count > 0)
        {
            app.UseForwardedHeaders();
        }

        return app;
    }
}

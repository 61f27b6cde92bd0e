using System.Net;
using System.Text.RegularExpressions;
using UserSystem.Server.Hosting;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace UserSystem.Server.Tests.Security;

/// <summary>
/// deploy/docker-compose.yml follows the token transport rule (issue 12, item 4), read as Compose
/// reads it: YAML with the <c>x-server</c> anchor merged into each server. (No Docker engine here;
/// the rule itself is tested in AuthConfigurationTests and the client's TokenTransportTests.)
/// <list type="bullet">
/// <item>Each server's configuration (the image's ENV, then the service's environment) is one the
/// real server accepts in Production, with JWT, off loopback and without TLS only because it
/// declares <c>Server:BehindTlsProxy</c>: without that the same configuration is refused.</item>
/// <item>That declaration holds: no server publishes a port or shares the host's network; the
/// proxy publishes only ports whose Caddy site terminates TLS; anything else publishes on loopback only.</item>
/// </list>
/// </summary>
public sealed partial class DeployTransportTests
{
    private static readonly string Deploy = Path.Combine(RepositoryRoot(), "deploy");
    private static readonly Dictionary<string, object> Services = ReadServices();

    [Fact]
    public void Compose_HasServersAndOneTlsProxy()
    {
        Assert.NotEmpty(ServerServices());
        Assert.Single(Services, service => IsProxy(service.Value));
    }

    [Fact]
    public async Task ComposeServers_StartInProduction_WithJwtOffLoopbackWithoutTls_OnlyBecauseTheyDeclareTheTlsProxy()
    {
        foreach (var (name, service) in ServerServices())
        {
            var settings = Configuration(service);
            Assert.Equal("Jwt", settings.GetValueOrDefault("Auth:Mode"));
            Assert.False(IPAddress.IsLoopback(IPAddress.Parse(settings["Server:BindAddress"])), name);
            Assert.False(settings.ContainsKey("Server:Tls:CertificatePath"), name);
            Assert.Equal("true", settings.GetValueOrDefault("Server:BehindTlsProxy"), ignoreCase: true);

            // The real composition validates every section while it is built; nothing listens.
            await UserSystemServer.Build(Arguments(settings)).DisposeAsync();

            settings.Remove("Server:BehindTlsProxy");
            var refused = Assert.ThrowsAny<Exception>(() => UserSystemServer.Build(Arguments(settings)));
            Assert.Contains(ConfigurationErrors.FailuresOf(refused), failure => failure.Contains("would send bearer tokens in clear text", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void ComposeServers_PublishNoPort_AndDoNotShareTheHostsNetwork()
    {
        foreach (var (name, service) in ServerServices())
        {
            var map = (Dictionary<object, object>)service;
            Assert.False(map.ContainsKey("ports"), $"{name} publishes ports");
            Assert.False(map.ContainsKey("network_mode"), $"{name} sets network_mode");
        }
    }

    [Fact]
    public void OnlyTheProxyPublishesOffLoopback_AndEachOfItsPortsIsATlsSite()
    {
        var tlsSitePorts = CaddyTlsSitePorts();
        Assert.NotEmpty(tlsSitePorts);
        foreach (var (name, service) in Services)
        {
            foreach (var (hostIp, containerPort) in PublishedPorts(service))
            {
                if (IsProxy(service))
                {
                    Assert.Contains(containerPort, tlsSitePorts);
                }
                else
                {
                    Assert.True(hostIp is not null && IPAddress.IsLoopback(IPAddress.Parse(hostIp.Trim('[', ']'))), $"{name} publishes port {containerPort} beyond loopback");
                }
            }
        }
    }

    private static IEnumerable<(string Name, object Service)> ServerServices() =>
        Services.Where(service => Value(service.Value, "build", "dockerfile") == "deploy/Dockerfile").Select(service => (service.Key, service.Value));

    private static bool IsProxy(object service) => Value(service, "image")?.StartsWith("caddy", StringComparison.Ordinal) == true;

    private static Dictionary<string, object> ReadServices()
    {
        using var reader = new StreamReader(Path.Combine(Deploy, "docker-compose.yml"));
        var compose = new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(new MergingParser(new Parser(reader)));
        return ((Dictionary<object, object>)compose["services"]).ToDictionary(service => (string)service.Key, service => service.Value);
    }

    private static string? Value(object node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not Dictionary<object, object> map || !map.TryGetValue(key, out node!))
            {
                return null;
            }
        }

        return node as string;
    }

    // The runtime image's ENV (the Dockerfile's last ENV instruction), then the service's
    // environment, as configuration keys (Section__Key becomes Section:Key).
    private static Dictionary<string, string> Configuration(object service)
    {
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var dockerfile = File.ReadAllText(Path.Combine(Deploy, "Dockerfile")).Replace("\\\n", " ", StringComparison.Ordinal);
        var imageEnvironment = EnvInstruction().Matches(dockerfile)[^1].Groups[1].Value;
        foreach (var pair in imageEnvironment.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var (key, value) = Split(pair);
            settings[key] = value;
        }

        switch (((Dictionary<object, object>)service).GetValueOrDefault("environment"))
        {
            case Dictionary<object, object> map:
                foreach (var (key, value) in map)
                {
                    settings[((string)key).Replace("__", ":", StringComparison.Ordinal)] = Interpolate((string)value);
                }

                break;
            case List<object> list:
                foreach (var entry in list.Cast<string>())
                {
                    var (key, value) = Split(entry);
                    settings[key] = Interpolate(value);
                }

                break;
        }

        return settings;

        static (string Key, string Value) Split(string pair)
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            return (pair[..equals].Replace("__", ":", StringComparison.Ordinal), pair[(equals + 1)..]);
        }
    }

    // ${NAME:-default} takes its default; ${NAME:?message} (a value the operator must give) gets one
    // a careful operator would: a strong key.
    private static string Interpolate(string value) => Variable().Replace(value, match =>
        match.Groups[2].Value == ":-" ? match.Groups[3].Value : Convert.ToBase64String(new byte[32]));

    private static string[] Arguments(Dictionary<string, string> settings) =>
    [
        .. settings.Select(setting => setting.Key == "ASPNETCORE_ENVIRONMENT" ? $"--environment={setting.Value}" : $"--{setting.Key}={setting.Value}"),
        "--Logging:LogLevel:Default=Warning",
    ];

    // Each published port as (host address or null for every interface, container port), in
    // Compose's short ("[ip:]host:container", "container") and long ({ host_ip, target }) forms.
    private static IEnumerable<(string? HostIp, int ContainerPort)> PublishedPorts(object service)
    {
        if (((Dictionary<object, object>)service).GetValueOrDefault("ports") is not List<object> ports)
        {
            yield break;
        }

        foreach (var port in ports)
        {
            if (port is Dictionary<object, object> longForm)
            {
                yield return (longForm.GetValueOrDefault("host_ip") as string, int.Parse((string)longForm["target"], System.Globalization.CultureInfo.InvariantCulture));
                continue;
            }

            var match = ShortPort().Match((string)port);
            Assert.True(match.Success, $"unreadable port {port}");
            yield return (match.Groups["ip"].Success ? match.Groups["ip"].Value : null, int.Parse(match.Groups["container"].Value, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    // Ports of the Caddyfile's site blocks that say `tls` (not plain http://).
    private static HashSet<int> CaddyTlsSitePorts()
    {
        var caddyfile = File.ReadAllText(Path.Combine(Deploy, "Caddyfile"));
        return CaddySite().Matches(caddyfile)
            .Where(site => !site.Groups["address"].Value.StartsWith("http://", StringComparison.Ordinal) && TlsDirective().IsMatch(site.Groups["body"].Value))
            .Select(site => int.Parse(site.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture))
            .ToHashSet();
    }

    [GeneratedRegex(@"^ENV\s+(.+)$", RegexOptions.Multiline)]
    private static partial Regex EnvInstruction();

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)(:-|:\?)([^}]*)\}")]
    private static partial Regex Variable();

    [GeneratedRegex(@"^(?:(?<ip>\[[^\]]+\]|[0-9]+\.[0-9.]+):)?(?:(?<host>[0-9]+):)?(?<container>[0-9]+)(?:/tcp)?$")]
    private static partial Regex ShortPort();

    [GeneratedRegex(@"^(?<address>\S*:(?<port>[0-9]+))\s*\{(?<body>.*?)^\}", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CaddySite();

    [GeneratedRegex(@"^\s+tls\b", RegexOptions.Multiline)]
    private static partial Regex TlsDirective();

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "UserSystem.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("UserSystem.slnx not found above " + AppContext.BaseDirectory);
    }
}

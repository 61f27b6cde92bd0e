using System.Text.RegularExpressions;

namespace UserSystem.Server.Tests.Security;

/// <summary>
/// deploy/docker-compose.yml follows the token transport rule: its servers run JWT without TLS
/// only behind the TLS proxy, so they publish no port of their own; only the proxy does.
/// (No Docker engine here: the file is checked as text, the rule itself is tested in TokenTransportTests.)
/// </summary>
public sealed partial class DeployTransportTests
{
    [Fact]
    public void Compose_ServersDeclareTheTlsProxy_AndPublishNoPlaintextPort()
    {
        var compose = File.ReadAllText(Path.Combine(RepositoryRoot(), "deploy", "docker-compose.yml"));
        var services = compose[compose.IndexOf("\nservices:", StringComparison.Ordinal)..];

        Assert.Contains("Auth__Mode: Jwt", compose, StringComparison.Ordinal);
        Assert.Contains("Server__BehindTlsProxy: \"true\"", compose, StringComparison.Ordinal);
        // Only the proxy publishes ports: the first `ports:` in the services comes after `proxy:`.
        Assert.Single(PortsKey().Matches(compose));
        Assert.True(services.IndexOf("  proxy:", StringComparison.Ordinal) < services.IndexOf("ports:", StringComparison.Ordinal));
        Assert.Contains("tls internal", File.ReadAllText(Path.Combine(RepositoryRoot(), "deploy", "Caddyfile")), StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^\s+ports:", RegexOptions.Multiline)]
    private static partial Regex PortsKey();

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

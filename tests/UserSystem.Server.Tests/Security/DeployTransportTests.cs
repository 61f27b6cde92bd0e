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
        // The servers publish no port; the proxy publishes its TLS ports; anything else that
        // publishes (monitoring) binds to loopback only.
        var blocks = ServiceName().Matches(services)
            .Select(match => (Name: match.Groups[1].Value, Text: Block(services, match)))
            .ToList();
        Assert.Contains(blocks, block => block.Name == "proxy" && PortsKey().IsMatch(block.Text));
        var anchor = compose[compose.IndexOf("x-server:", StringComparison.Ordinal)..compose.IndexOf("\nservices:", StringComparison.Ordinal)];
        Assert.DoesNotMatch(PortsKey(), anchor);
        foreach (var (name, text) in blocks.Where(block => block.Name != "proxy"))
        {
            if (name.StartsWith("server", StringComparison.Ordinal))
            {
                Assert.DoesNotMatch(PortsKey(), text);
            }

            Assert.All(PublishedPort().Matches(text), port => Assert.StartsWith("127.0.0.1:", port.Groups[1].Value, StringComparison.Ordinal));
        }

        Assert.Contains("tls internal", File.ReadAllText(Path.Combine(RepositoryRoot(), "deploy", "Caddyfile")), StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^\s+ports:", RegexOptions.Multiline)]
    private static partial Regex PortsKey();

    [GeneratedRegex(@"^  ([a-z][a-z0-9-]*):\s*$", RegexOptions.Multiline)]
    private static partial Regex ServiceName();

    [GeneratedRegex(@"^\s+- ""([^""]+:[0-9]+)""\s*$", RegexOptions.Multiline)]
    private static partial Regex PublishedPort();

    // A service's lines: from its name to the next service's name (or the top-level key after them).
    private static string Block(string services, Match match)
    {
        var next = match.NextMatch();
        var end = next.Success ? next.Index : services.IndexOf("\nvolumes:", match.Index, StringComparison.Ordinal);
        return services[match.Index..(end < 0 ? services.Length : end)];
    }

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

using System.Text.RegularExpressions;

namespace UserSystem.Server.Tests.Security;

/// <summary>
/// deploy/ defaults (issue 24, item 7), read as Compose and Caddy read them: no secret falls back
/// to a known value, the public sites hide what only the inside needs and send HSTS, and the
/// servers believe forwarded addresses from the proxy alone.
/// </summary>
public sealed partial class DeployTransportTests
{
    [Fact]
    public void ComposeSecrets_MustBeSet_WithNoFallbackValue()
    {
        var compose = File.ReadAllText(Path.Combine(Deploy, "docker-compose.yml"));

        var secrets = Variable().Matches(compose).Where(variable => SecretName().IsMatch(variable.Groups[1].Value)).ToList();

        Assert.Contains(secrets, variable => variable.Groups[1].Value == "POSTGRES_PASSWORD");
        Assert.Contains(secrets, variable => variable.Groups[1].Value == "GRAFANA_ADMIN_PASSWORD");
        Assert.All(secrets, variable => Assert.Equal(":?", variable.Groups[2].Value));
    }

    [Fact]
    public void EveryTlsSite_AnswersMetricsOpenApiAndReflectionWith404_AndSendsHsts()
    {
        var caddyfile = File.ReadAllText(Path.Combine(Deploy, "Caddyfile"));
        var snippets = CaddySnippet().Matches(caddyfile).ToDictionary(snippet => snippet.Groups["name"].Value, snippet => snippet.Groups["body"].Value);
        var sites = CaddySite().Matches(caddyfile).Select(site => site.Groups["body"].Value).ToList();

        Assert.NotEmpty(sites);
        Assert.All(sites, body => Assert.Equal(
            ["metrics /metrics /metrics/* /openapi /openapi/* /grpc.reflection.* 404", "hsts max-age=31536000"],
            [Hidden(Expand(body, snippets)), Hsts(Expand(body, snippets))]));
    }

    [Fact]
    public void ComposeServers_BelieveForwardedAddresses_OnlyFromTheProxysFixedAddress()
    {
        var proxy = Services.Single(service => IsProxy(service.Value)).Value;
        var proxyAddress = ((Dictionary<object, object>)((Dictionary<object, object>)((Dictionary<object, object>)proxy)["networks"])["default"])["ipv4_address"];

        foreach (var (name, service) in ServerServices())
        {
            var settings = Configuration(service);
            Assert.Equal(proxyAddress, settings.GetValueOrDefault("Proxy:KnownProxies:0"));
            Assert.DoesNotContain(settings.Keys, key => key.StartsWith("Proxy:KnownNetworks", StringComparison.OrdinalIgnoreCase));
            Assert.False(settings.ContainsKey("Proxy:KnownProxies:1"), name);
        }
    }

    // A site's body with each `import snippet` replaced by the snippet's body.
    private static string Expand(string body, Dictionary<string, string> snippets) =>
        CaddyImport().Replace(body, import => snippets.GetValueOrDefault(import.Groups["name"].Value, string.Empty));

    // "metrics <paths> <status>" when a named matcher is answered with a status by `respond`.
    private static string Hidden(string body)
    {
        var matcher = Regex.Match(body, @"@(?<name>\w+)\s+path\s+(?<paths>[^\n]+)");
        var respond = Regex.Match(body, @"respond\s+@(?<name>\w+)\s+(?<status>[0-9]+)");
        return matcher.Success && respond.Success && matcher.Groups["name"].Value == respond.Groups["name"].Value
            ? $"metrics {matcher.Groups["paths"].Value.Trim()} {respond.Groups["status"].Value}"
            : "none";
    }

    private static string Hsts(string body)
    {
        var header = Regex.Match(body, "header\\s+Strict-Transport-Security\\s+\"(?<value>[^\"]+)\"");
        return header.Success ? "hsts " + header.Groups["value"].Value : "none";
    }

    [GeneratedRegex("PASSWORD|SECRET|KEY")]
    private static partial Regex SecretName();

    [GeneratedRegex(@"^\((?<name>\w+)\)\s*\{(?<body>.*?)^\}", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CaddySnippet();

    [GeneratedRegex(@"^\s*import\s+(?<name>\w+)\s*$", RegexOptions.Multiline)]
    private static partial Regex CaddyImport();
}

namespace UserSystem.Server.Tests.Monitoring;

/// <summary>deploy/prometheus checked by Prometheus' own promtool: the rules parse, their unit tests pass, the compose config is valid.</summary>
public sealed class AlertRulesTests
{
    [Fact]
    public async Task Promtool_CheckRules_AcceptsTheAlertRules()
    {
        var (exitCode, output) = await MonitoringFiles.RunAsync("promtool", "check", "rules", MonitoringFiles.Alerts);

        Assert.True(exitCode == 0, output);
        Assert.Contains("SUCCESS: 8 rules found", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Promtool_TestRules_EveryAlertFiresWhenItShouldAndOnlyThen()
    {
        var (exitCode, output) = await MonitoringFiles.RunAsync("promtool", "test", "rules", MonitoringFiles.AlertTests);

        Assert.True(exitCode == 0, output);
        Assert.Contains("SUCCESS", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Promtool_CheckConfig_AcceptsTheComposePrometheusConfig()
    {
        // The compose file mounts the rules at /etc/prometheus; point the copy at the real file.
        using var directory = new UserSystem.Testing.TempDirectory();
        var config = (await File.ReadAllTextAsync(Path.Combine(MonitoringFiles.Prometheus, "prometheus.yml")))
            .Replace("/etc/prometheus/alerts.yml", MonitoringFiles.Alerts, StringComparison.Ordinal);
        var path = directory.File("prometheus.yml");
        await File.WriteAllTextAsync(path, config);

        var (exitCode, output) = await MonitoringFiles.RunAsync("promtool", "check", "config", path);

        Assert.True(exitCode == 0, output);
    }
}

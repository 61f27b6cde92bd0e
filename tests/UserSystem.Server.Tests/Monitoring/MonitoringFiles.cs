using System.Diagnostics;
using UserSystem.Server.Tests.Web;

namespace UserSystem.Server.Tests.Monitoring;

/// <summary>The files under deploy/ that the monitoring tests check, and the Prometheus binaries (scripts/setup/prometheus.sh).</summary>
internal static class MonitoringFiles
{
    public static string Prometheus => Path.Combine(NodeScript.RepositoryRoot, "deploy", "prometheus");

    public static string Alerts => Path.Combine(Prometheus, "alerts.yml");

    public static string AlertTests => Path.Combine(Prometheus, "alerts.test.yml");

    public static string Dashboard => Path.Combine(NodeScript.RepositoryRoot, "deploy", "grafana", "dashboards", "user-system.json");

    /// <summary>The full path of a binary of Debian's prometheus package.</summary>
    public static string Tool(string name)
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(':')
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
        Assert.True(path is not null, $"{name} is missing: run scripts/test.sh (scripts/setup/prometheus.sh installs it).");
        return path!;
    }

    /// <summary>Runs a tool to its end and returns its exit code and output (standard output and error).</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(Tool(tool)) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await output + await error);
    }
}

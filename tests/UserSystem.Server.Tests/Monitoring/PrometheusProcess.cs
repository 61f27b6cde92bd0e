using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Monitoring;

/// <summary>
/// A real Prometheus (Debian's package) in a temp folder on a free loopback port, scraping the
/// given targets every second with deploy/prometheus/alerts.yml loaded, and its HTTP API.
/// </summary>
internal sealed class PrometheusProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TempDirectory _directory;
    private readonly HttpClient _http;
    private readonly List<string> _output = [];

    private PrometheusProcess(Process process, TempDirectory directory, Uri address)
    {
        _process = process;
        _directory = directory;
        _http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    /// <summary>Starts Prometheus scraping <paramref name="targets"/> (host:port) as job <c>user-system</c>.</summary>
    public static async Task<PrometheusProcess> StartAsync(params Uri[] targets)
    {
        var directory = new TempDirectory();
        var config = directory.File("prometheus.yml");
        var targetList = string.Join(", ", targets.Select(target => $"\"{target.Authority}\""));
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files:
              - {MonitoringFiles.Alerts}
            scrape_configs:
              - job_name: user-system
                metrics_path: /metrics
                static_configs:
                  - targets: [{targetList}]
            """);
        var port = LoopbackPorts.Free();
        var start = new ProcessStartInfo(MonitoringFiles.Tool("prometheus"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            $"--config.file={config}", $"--storage.tsdb.path={directory.File("data")}",
            $"--web.listen-address=127.0.0.1:{port}", "--log.level=warn",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        var prometheus = new PrometheusProcess(process, directory, new Uri($"http://127.0.0.1:{port}"));
        process.OutputDataReceived += (_, line) => prometheus.Record(line.Data);
        process.ErrorDataReceived += (_, line) => prometheus.Record(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await prometheus.WaitUntilReadyAsync().DefaultTimeout();
        return prometheus;
    }

    /// <summary>An instant query through <c>/api/v1/query</c>; asserts success and returns <c>data.result</c>.</summary>
    public async Task<JsonArray> QueryAsync(string expression)
    {
        var response = await GetJsonAsync($"/api/v1/query?query={Uri.EscapeDataString(expression)}");
        return response["data"]!["result"]!.AsArray();
    }

    /// <summary>Every rule of every group, as <c>/api/v1/rules</c> reports them.</summary>
    public async Task<IReadOnlyList<JsonNode>> RulesAsync()
    {
        var response = await GetJsonAsync("/api/v1/rules");
        return response["data"]!["groups"]!.AsArray().SelectMany(group => group!["rules"]!.AsArray()).Select(rule => rule!).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }

        _process.Dispose();
        _directory.Dispose();
    }

    private async Task<JsonNode> GetJsonAsync(string path)
    {
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative)).DefaultTimeout();
        var text = await response.Content.ReadAsStringAsync().DefaultTimeout();
        var json = JsonNode.Parse(text)!;
        Assert.True(response.IsSuccessStatusCode && (string?)json["status"] == "success", $"{path}: {(int)response.StatusCode} {text}");
        return json;
    }

    private async Task WaitUntilReadyAsync()
    {
        while (true)
        {
            Assert.False(_process.HasExited, $"prometheus exited with {(_process.HasExited ? _process.ExitCode : 0)}: {Output}");
            try
            {
                using var response = await _http.GetAsync(new Uri("/-/ready", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }
    }

    private void Record(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.Add(line);
            }
        }
    }

}

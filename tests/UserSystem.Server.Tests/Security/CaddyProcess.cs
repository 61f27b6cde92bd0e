using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using UserSystem.Server.Tests.Monitoring;
using UserSystem.Server.Tests.Web;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Security;

/// <summary>
/// A real Caddy (Debian's package) running deploy/Caddyfile as it is, but for where it listens and
/// what it proxies to: its two sites on free loopback ports, both upstreams one test server, its
/// data in a temp folder, its local CA not installed in the machine's trust store.
/// </summary>
internal sealed class CaddyProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TempDirectory _directory;
    private readonly List<string> _output = [];

    private CaddyProcess(Process process, TempDirectory directory, int grpcPort, int httpPort)
    {
        _process = process;
        _directory = directory;
        GrpcAddress = new Uri($"https://localhost:{grpcPort}");
        HttpAddress = new Uri($"https://localhost:{httpPort}");
    }

    public Uri GrpcAddress { get; }

    public Uri HttpAddress { get; }

    /// <summary>A client handler that trusts this Caddy's local CA (and nothing else).</summary>
    public HttpMessageHandler Handler()
    {
        var root = X509CertificateLoader.LoadCertificateFromFile(RootCertificate);
        return new SocketsHttpHandler
        {
            SslOptions =
            {
                CertificateChainPolicy = new X509ChainPolicy
                {
                    TrustMode = X509ChainTrustMode.CustomRootTrust,
                    CustomTrustStore = { root },
                    RevocationMode = X509RevocationMode.NoCheck,
                },
            },
        };
    }

    private string RootCertificate => Path.Combine(_directory.File("data"), "pki", "authorities", "local", "root.crt");

    public static async Task<CaddyProcess> StartAsync(TestServer upstream)
    {
        var directory = new TempDirectory();
        var (grpcPort, httpPort, redirectPort) = (LoopbackPorts.Free(), LoopbackPorts.Free(), LoopbackPorts.Free());
        var caddyfile = (await File.ReadAllTextAsync(Path.Combine(NodeScript.RepositoryRoot, "deploy", "Caddyfile")))
            .Replace("\tadmin off\n", $"\tadmin off\n\tskip_install_trust\n\thttp_port {redirectPort}\n\tstorage file_system {directory.File("data")}\n", StringComparison.Ordinal)
            .Replace("localhost:50443", $"localhost:{grpcPort}", StringComparison.Ordinal)
            .Replace("localhost:8443", $"localhost:{httpPort}", StringComparison.Ordinal)
            .Replace("h2c://server-a:50051 h2c://server-b:50051", $"h2c://127.0.0.1:{upstream.GrpcAddress.Port}", StringComparison.Ordinal)
            .Replace("server-a:8080 server-b:8080", $"127.0.0.1:{upstream.HttpAddress.Port}", StringComparison.Ordinal);
        var config = directory.File("Caddyfile");
        await File.WriteAllTextAsync(config, caddyfile);

        var start = new ProcessStartInfo(MonitoringFiles.Tool("caddy"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "run", "--config", config, "--adapter", "caddyfile" })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["HOME"] = directory.Path;
        start.Environment["XDG_DATA_HOME"] = directory.File("xdg-data");
        start.Environment["XDG_CONFIG_HOME"] = directory.File("xdg-config");
        var process = Process.Start(start)!;
        var caddy = new CaddyProcess(process, directory, grpcPort, httpPort);
        process.OutputDataReceived += (_, line) => caddy.Record(line.Data);
        process.ErrorDataReceived += (_, line) => caddy.Record(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await caddy.WaitUntilServingAsync().DefaultTimeout();
        return caddy;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }

        _process.Dispose();
        _directory.Dispose();
    }

    // Until both sites answer over TLS (the local CA and the certificates are made at start).
    private async Task WaitUntilServingAsync()
    {
        while (!File.Exists(RootCertificate))
        {
            Assert.False(_process.HasExited, $"caddy exited: {string.Join('\n', Output())}");
            await Task.Delay(100);
        }

        using var http = new HttpClient(Handler());
        foreach (var site in new[] { HttpAddress, GrpcAddress })
        {
            while (true)
            {
                Assert.False(_process.HasExited, $"caddy exited: {string.Join('\n', Output())}");
                try
                {
                    using var response = await http.GetAsync(new Uri(site, "/healthz"));
                    break;
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(100);
                }
            }
        }
    }

    private IReadOnlyList<string> Output()
    {
        lock (_output)
        {
            return [.. _output];
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

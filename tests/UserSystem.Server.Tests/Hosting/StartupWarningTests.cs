using UserSystem.Testing;

namespace UserSystem.Server.Tests.Hosting;

/// <summary>A plain start (no TLS) logs no Kestrel warning about protocols the HTTP port cannot serve.</summary>
public sealed class StartupWarningTests
{
    [Fact]
    public async Task StartWithoutTls_LogsNoHttp2Warning_AndTheHttpPortServes()
    {
        using var directory = new TempDirectory();
        await using var server = await ServerProcess.StartAsync(directory.File("users.db"));
        using var http = new HttpClient();

        using var response = await http.GetAsync(new Uri(server.HttpAddress, "/healthz")).DefaultTimeout();

        Assert.True(response.IsSuccessStatusCode);
        Assert.DoesNotContain(server.OutputLines, line => line.Contains("HTTP/2 is not enabled", StringComparison.Ordinal));
    }
}

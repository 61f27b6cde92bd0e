using UserSystem.Testing;

namespace UserSystem.Server.Tests.Web;

/// <summary>The call-logging interceptor logs REST calls like gRPC calls: method, status, request id.</summary>
public sealed class RestCallLoggingTests
{
    [Fact]
    public async Task RestCalls_AreLoggedWithMethodStatusAndRequestId()
    {
        using var directory = new TempDirectory();
        await using var server = await ServerProcess.StartAsync(directory.File("users.db"));
        using var http = new HttpClient { BaseAddress = server.HttpAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/users/31337");
        request.Headers.Add("x-request-id", "rest-log-1");

        using var response = await http.SendAsync(request).DefaultTimeout();

        var line = await server.WaitForOutputAsync(output => output.Contains("finished with", StringComparison.Ordinal) && output.Contains("rest-log-1", StringComparison.Ordinal)).DefaultTimeout();
        Assert.Matches(@"gRPC /user\.UserService/GetUser finished with NotFound in \d+\.\d ms \(request id rest-log-1\)", line);
    }
}

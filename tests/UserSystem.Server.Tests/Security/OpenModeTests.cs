using System.Net;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using UserSystem.Server.Security;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Security;

/// <summary><c>Auth:Mode=None</c>: Development only, loopback Host names only (DNS rebinding), no extra Kestrel endpoints.</summary>
public sealed class OpenModeTests : ServerTestBase
{
    [Theory]
    [InlineData("evil.example")]
    [InlineData("evil.example:8080")]
    [InlineData("192.168.1.10")]
    public async Task ForeignHostName_IsRefused_OnEveryHttpPath(string host)
    {
        using var http = new HttpClient { BaseAddress = Server.HttpAddress };
        foreach (var path in new[] { "/v1/users", "/", "/healthz" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Host = host;

            using var response = await http.SendAsync(request).DefaultTimeout();

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("127.0.0.1")]
    public async Task LoopbackHostName_IsAnswered(string host)
    {
        using var http = new HttpClient { BaseAddress = Server.HttpAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/users");
        request.Headers.Host = $"{host}:{Server.HttpAddress.Port}";

        using var response = await http.SendAsync(request).DefaultTimeout();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ForeignAuthority_OnTheGrpcPort_IsRefused()
    {
        using var handler = new SocketsHttpHandler();
        using var http = new HttpClient(handler) { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Server.GrpcAddress, "/user.UserService/ListUsers"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent([0, 0, 0, 0, 0]),
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc");
        request.Headers.Host = "evil.example";
        request.Headers.TryAddWithoutValidation("te", "trailers");

        using var response = await http.SendAsync(request).DefaultTimeout();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task OpenScheme_IsTheOnlyScheme()
    {
        var schemes = await Server.Services.GetRequiredService<IAuthenticationSchemeProvider>().GetAllSchemesAsync();

        Assert.Equal([OpenModeAuthenticationHandler.SchemeName], schemes.Select(scheme => scheme.Name));
    }
}

/// <summary>Start-time refusals of the open mode.</summary>
public sealed class OpenModeConfigurationTests
{
    [Theory]
    [InlineData("Testing")]
    [InlineData("Staging")]
    public async Task AuthOff_OutsideDevelopment_RefusesToStart(string environment)
    {
        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync($"--environment={environment}", "--Auth:Mode=None"));

        Assert.Contains("allowed only in the Development environment", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthOff_WithAnExtraKestrelEndpoint_RefusesToStart()
    {
        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            StartAsync("--environment=Development", "--Auth:Mode=None", "--Kestrel:Endpoints:Extra:Url=http://0.0.0.0:0"));

        Assert.Contains("refuses extra Kestrel endpoints (Kestrel:Endpoints: Extra)", exception.Message, StringComparison.Ordinal);
    }

    private static async Task StartAsync(params string[] args)
    {
        using var directory = new TempDirectory();
        await using var app = UserSystemServer.Build(
            ["--Server:GrpcPort=0", "--Server:HttpPort=0", $"--Storage:Sqlite:Path={directory.File("users.db")}", "--Logging:LogLevel:Default=Warning", .. args]);
        await app.StartAsync().DefaultTimeout();
        await app.StopAsync().DefaultTimeout();
    }
}

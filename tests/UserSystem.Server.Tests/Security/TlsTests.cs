using System.Net;
using Grpc.Core;
using Grpc.Net.Client;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Security;

/// <summary>TLS and mutual TLS from PEM files, over real loopback sockets.</summary>
public sealed class TlsTests : IDisposable
{
    private readonly TestPki _pki = new();

    public void Dispose() => _pki.Dispose();

    [Fact]
    public async Task TlsServer_TlsClient_Succeeds()
    {
        await using var server = await TestServer.StartAsync(databasePath: null, _pki.ServerSettings(requireClientCertificates: false));
        var client = new UserService.UserServiceClient(server.CreateChannel(new GrpcChannelOptions { HttpHandler = _pki.Handler() }));

        var created = await client.CreateUserAsync(Users.NewRequest()).ResponseAsync.DefaultTimeout();

        Assert.Equal("https", server.GrpcAddress.Scheme);
        Assert.True(created.User.Id > 0);
    }

    [Fact]
    public async Task TlsServer_PlaintextClient_Fails()
    {
        await using var server = await TestServer.StartAsync(databasePath: null, _pki.ServerSettings(requireClientCertificates: false));
        using var plaintext = GrpcChannel.ForAddress(new UriBuilder(server.GrpcAddress) { Scheme = "http" }.Uri);

        var exception = await Assert.ThrowsAsync<RpcException>(() =>
            new UserService.UserServiceClient(plaintext).ListUsersAsync(new ListUsersRequest()).ResponseAsync.DefaultTimeout());

        Assert.Equal(StatusCode.Unavailable, exception.StatusCode);
    }

    [Fact]
    public async Task TlsServer_HttpPort_NegotiatesHttp2AndHttp11()
    {
        await using var server = await TestServer.StartAsync(databasePath: null, _pki.ServerSettings(requireClientCertificates: false));
        using var http = new HttpClient(_pki.Handler()) { BaseAddress = server.HttpAddress };

        using var http2 = await http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/healthz") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact }).DefaultTimeout();
        using var http11 = await http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/healthz") { Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionExact }).DefaultTimeout();

        Assert.Equal((HttpStatusCode.OK, HttpVersion.Version20), (http2.StatusCode, http2.Version));
        Assert.Equal((HttpStatusCode.OK, HttpVersion.Version11), (http11.StatusCode, http11.Version));
    }

    [Fact]
    public async Task MutualTls_ClientWithoutCertificate_IsRefused()
    {
        await using var server = await TestServer.StartAsync(databasePath: null, _pki.ServerSettings(requireClientCertificates: true));

        await AssertRefusedAsync(server, _pki.Handler());
    }

    [Fact]
    public async Task MutualTls_ClientCertificateFromAnotherCa_IsRefused()
    {
        await using var server = await TestServer.StartAsync(databasePath: null, _pki.ServerSettings(requireClientCertificates: true));

        await AssertRefusedAsync(server, _pki.Handler(_pki.StrangerClientCertificate));
    }

    [Fact]
    public async Task MutualTls_ClientCertificateSignedByTheCa_Succeeds()
    {
        await using var server = await TestServer.StartAsync(databasePath: null, _pki.ServerSettings(requireClientCertificates: true));
        var client = new UserService.UserServiceClient(server.CreateChannel(new GrpcChannelOptions { HttpHandler = _pki.Handler(_pki.ClientCertificate) }));

        var created = await client.CreateUserAsync(Users.NewRequest()).ResponseAsync.DefaultTimeout();

        Assert.True(created.User.Id > 0);
    }

    [Theory]
    [InlineData("Server:Tls:CertificatePath=/nonexistent/server.pem", "Server:Tls:CertificatePath")]
    [InlineData("Server:Tls:KeyPath=/nonexistent/key.pem", "Server:Tls:KeyPath and Server:Tls:ClientCaPath need Server:Tls:CertificatePath")]
    public async Task BadTlsSetting_FailsStart_NamingTheSetting(string setting, string message)
    {
        using var directory = new TempDirectory();

        var exception = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => Hosting.ConfigurationValidationTests.BuildAndStartAsync(
            $"--Storage:Sqlite:Path={directory.File("users.db")}", "--Server:GrpcPort=0", "--Server:HttpPort=0", "--" + setting));

        Assert.Contains(message, exception.Message, StringComparison.Ordinal);
    }

    // The server drops the connection in the handshake. With TLS 1.3 the client may learn it only
    // once it sends the request, so the call fails as UNAVAILABLE or INTERNAL (connection reset);
    // either way nothing reached the service, which a trusted client then confirms.
    private async Task AssertRefusedAsync(TestServer server, SocketsHttpHandler handler)
    {
        var refused = new UserService.UserServiceClient(server.CreateChannel(new GrpcChannelOptions { HttpHandler = handler }));
        var trusted = new UserService.UserServiceClient(server.CreateChannel(new GrpcChannelOptions { HttpHandler = _pki.Handler(_pki.ClientCertificate) }));

        var exception = await Assert.ThrowsAsync<RpcException>(() => refused.CreateUserAsync(Users.NewRequest()).ResponseAsync.DefaultTimeout());
        var list = await trusted.ListUsersAsync(new ListUsersRequest()).ResponseAsync.DefaultTimeout();

        Assert.True(exception.StatusCode is StatusCode.Unavailable or StatusCode.Internal, $"unexpected {exception.Status}");
        Assert.Equal(0, list.Total);
    }
}

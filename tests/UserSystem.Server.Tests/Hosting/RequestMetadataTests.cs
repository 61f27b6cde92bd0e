using Grpc.Core;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Hosting;

public sealed class RequestMetadataTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("x-request-id")]
    [InlineData("request-id")]
    public async Task CallerRequestId_IsEchoedInResponseHeaders(string header)
    {
        using var call = _server.Client.CreateUserAsync(Users.NewRequest(), new Metadata { { header, "trace-42" } });
        var headers = await call.ResponseHeadersAsync.DefaultTimeout();
        await call.ResponseAsync.DefaultTimeout();

        Assert.Equal("trace-42", headers.GetValue("request-id"));
    }

    [Fact]
    public async Task NoRequestId_ServerGeneratesOnePerCall()
    {
        var first = await HeadersOfGetUserAsync(new Metadata());
        var second = await HeadersOfGetUserAsync(new Metadata());

        Assert.Matches("^[0-9a-f]{32}$", first.GetValue("request-id"));
        Assert.NotEqual(first.GetValue("request-id"), second.GetValue("request-id"));
    }

    [Fact]
    public async Task UnprintableRequestId_IsReplacedByAGeneratedOne()
    {
        var headers = await HeadersOfGetUserAsync(new Metadata { { "x-request-id", new string('a', 500) } });

        Assert.Matches("^[0-9a-f]{32}$", headers.GetValue("request-id"));
    }

    [Fact]
    public async Task ServerVersionHeader_IsTheAssemblyVersion_EvenOnErrors()
    {
        // GetUser of an unknown id fails (a trailers-only response): the headers must still be there.
        var headers = await HeadersOfGetUserAsync(new Metadata());

        Assert.Equal("1.0.0", headers.GetValue("server-version"));
    }

    [Fact]
    public async Task StreamingCalls_CarryTheHeadersToo()
    {
        using var call = _server.Client.StreamUsers(new StreamUsersRequest(), new Metadata { { "x-request-id", "stream-7" } });
        var headers = await call.ResponseHeadersAsync.DefaultTimeout();

        Assert.Equal("stream-7", headers.GetValue("request-id"));
        Assert.Equal("1.0.0", headers.GetValue("server-version"));
    }

    private async Task<Metadata> HeadersOfGetUserAsync(Metadata requestHeaders)
    {
        using var call = _server.Client.GetUserAsync(new GetUserRequest { Id = 424242 }, requestHeaders);
        var headers = await call.ResponseHeadersAsync.DefaultTimeout();
        await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.DefaultTimeout());
        return headers;
    }
}

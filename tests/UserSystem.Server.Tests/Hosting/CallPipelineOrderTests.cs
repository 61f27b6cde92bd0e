using System.Net;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using UserSystem.Contracts;
using UserSystem.Server.Rpc.Interceptors;
using UserSystem.Server.Security;
using UserSystem.Server.Tests.Security;
using UserSystem.Testing;
using Layer = UserSystem.Server.Tests.Hosting.LayerProbes.Layer;

namespace UserSystem.Server.Tests.Hosting;

/// <summary>
/// The order a call actually passes through the layers (middleware, authentication,
/// authorization, interceptors), and where a refused call stops, with its headers. Production
/// code carries no test hooks: the probes are registered here, through <c>UserSystemServer.Build</c>'s
/// configure callback, as grpc-dotnet's InterceptorOrderTests register their own interceptors.
/// A probe runs where the framework lets a test in (the CORS policy provider, the bearer events,
/// an authorization handler, an interceptor ahead of each of ours and one behind them); the
/// layers that offer no such seam are seen by what they leave on the request (the request
/// context's feature, the caller limits' bucket) or by where their refusal stops a call.
/// </summary>
public sealed class CallPipelineOrderTests : IAsyncLifetime
{
    private const string Origin = "https://console.example";
    private readonly Tokens _tokens = new();
    private readonly LayerProbes _probes = new();
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(builder => _probes.Install(builder.Services), databasePath: null,
            [.. _tokens.ServerSettings, $"Web:CorsOrigins:0={Origin}"]);
        _probes.Limiters = _server.Services.GetRequiredService<CallerRateLimiters>();
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    // Plain gRPC skips the web middleware (CORS among it: no browser speaks plain gRPC); REST and
    // gRPC-Web pass it, as the preflight and REST tests below show.
    private static string[] FullPath =>
    [
        Layer.RequestContext, Layer.Authentication, Layer.Authorization, Layer.CallerLimits,
        nameof(CallObserverInterceptor), nameof(ErrorMappingInterceptor), nameof(ConsistencyTokenInterceptor), nameof(StreamLifetimeInterceptor), Layer.Service,
    ];

    [Fact]
    public async Task UnaryCall_PassesContextAuthenticationAuthorizationLimitsThenTheInterceptorsInOrder()
    {
        var created = await Tokens.Client(_server, _tokens.Admin()).CreateUserAsync(Users.NewRequest()).ResponseAsync.DefaultTimeout();
        // A caller of its own, so the limits' bucket for it is made by the traced call.
        var client = Tokens.Client(_server, _tokens.Admin("order-unary"));

        await client.GetUserAsync(new GetUserRequest { Id = created.User.Id }, Headers("order-unary")).ResponseAsync.DefaultTimeout();

        Assert.Equal(FullPath, _probes.Of("order-unary"));
    }

    [Fact]
    public async Task StreamingCall_PassesTheSameLayersInTheSameOrder()
    {
        var client = Tokens.Client(_server, _tokens.Admin("order-stream"));
        using var call = client.StreamUsers(new StreamUsersRequest(), Headers("order-stream"));
        while (await call.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout())
        {
        }

        Assert.Equal(FullPath, _probes.Of("order-stream"));
    }

    [Fact]
    public async Task Preflight_IsAnsweredByCorsBeforeAuthentication_WithBothHeaders()
    {
        using var http = new HttpClient { BaseAddress = _server.HttpAddress };
        using var request = new HttpRequestMessage(HttpMethod.Options, "/user.UserService/GetUser");
        request.Headers.Add("Origin", Origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("x-request-id", "order-preflight");

        using var response = await http.SendAsync(request).DefaultTimeout();

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("order-preflight", Assert.Single(response.Headers.GetValues("request-id")));
        Assert.Equal([Layer.RequestContext, Layer.Cors], _probes.Of("order-preflight"));
    }

    [Fact]
    public async Task CallWithoutToken_IsRefusedBeforeTheLimitsAndInterceptors_With401AndBothHeaders()
    {
        using var response = await SendRawGetUserAsync(token: null, "order-401");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("order-401", Assert.Single(response.Headers.GetValues("request-id")));
        Assert.Equal("1.0.0", Assert.Single(response.Headers.GetValues("server-version")));
        Assert.Equal([Layer.RequestContext, Layer.Authentication, Layer.Authorization], _probes.Of("order-401"));
    }

    [Fact]
    public async Task CallOfANonAdmin_IsRefusedBeforeTheLimitsAndInterceptors_With403AndBothHeaders()
    {
        // ListUsers needs the admin role; this caller has none.
        using var response = await SendRawAsync("ListUsers", new ListUsersRequest(), _tokens.Mint("user-5", userId: 5), "order-403");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("order-403", Assert.Single(response.Headers.GetValues("request-id")));
        Assert.Equal("1.0.0", Assert.Single(response.Headers.GetValues("server-version")));
        Assert.Equal([Layer.RequestContext, Layer.Authentication, Layer.Authorization], _probes.Of("order-403"));
    }

    [Fact]
    public async Task RestCallWithABadField_IsRefusedByTheRequestCheckAfterTheLimits_BeforeTheInterceptors()
    {
        using var http = new HttpClient { BaseAddress = _server.HttpAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/users?pageSize=lots");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", _tokens.Admin("order-rest"));
        request.Headers.Add("Origin", Origin);
        request.Headers.Add("x-request-id", "order-rest");

        using var response = await http.SendAsync(request).DefaultTimeout();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("pageSize", await response.Content.ReadAsStringAsync().DefaultTimeout(), StringComparison.Ordinal);
        Assert.Equal(
            [Layer.RequestContext, Layer.Cors, Layer.Authentication, Layer.Authorization, Layer.CallerLimits],
            _probes.Of("order-rest"));
    }

    [Fact]
    public async Task RefusedCall_WithoutCallerId_StillGetsAGeneratedRequestId()
    {
        using var response = await SendRawGetUserAsync(token: null, requestId: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Matches("^[0-9a-f]{32}$", Assert.Single(response.Headers.GetValues("request-id")));
    }

    private static Metadata Headers(string requestId) => new() { { "x-request-id", requestId }, { "origin", Origin } };

    private Task<HttpResponseMessage> SendRawGetUserAsync(string? token, string? requestId) =>
        SendRawAsync("GetUser", new GetUserRequest { Id = 1 }, token, requestId);

    // A plain HTTP/2 request, so the refusal's HTTP status and headers can be read as they are.
    private async Task<HttpResponseMessage> SendRawAsync(string method, Google.Protobuf.IMessage message, string? token, string? requestId)
    {
        var payload = Google.Protobuf.MessageExtensions.ToByteArray(message);
        var frame = new byte[5 + payload.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(1), payload.Length);
        payload.CopyTo(frame, 5);
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_server.GrpcAddress, "/user.UserService/" + method))
        {
            // Plain-text HTTP/2 (h2c) with prior knowledge, as gRPC clients speak it.
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(frame),
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc");
        request.Headers.TE.ParseAdd("trailers");
        request.Headers.Add("Origin", Origin);
        if (token is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        if (requestId is not null)
        {
            request.Headers.Add("x-request-id", requestId);
        }

        return await http.SendAsync(request).DefaultTimeout();
    }
}

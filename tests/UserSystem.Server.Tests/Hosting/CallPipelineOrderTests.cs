using System.Collections.Concurrent;
using System.Net;
using Grpc.Core;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using UserSystem.Contracts;
using UserSystem.Server.Diagnostics;
using UserSystem.Server.Tests.Security;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Hosting;

/// <summary>
/// The order a call actually passes through the layers (middleware, authentication,
/// authorization, interceptors), recorded per call as grpc-dotnet's InterceptorOrderTests do,
/// and where a refused call stops, with its headers.
/// </summary>
public sealed class CallPipelineOrderTests : IAsyncLifetime
{
    private const string Authentication = "authentication";
    private const string Authorization = "authorization";
    private readonly Tokens _tokens = new();
    private readonly TraceRecorder _recorder = new();
    private TestServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await TestServer.StartAsync(builder => _recorder.Install(builder.Services), databasePath: null, _tokens.ServerSettings);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task UnaryCall_PassesContextAuthenticationAuthorizationLimitsThenObserverErrorsStreamLifetime()
    {
        var client = Tokens.Client(_server, _tokens.Admin());
        var created = await client.CreateUserAsync(Users.NewRequest()).ResponseAsync.DefaultTimeout();

        await client.GetUserAsync(new GetUserRequest { Id = created.User.Id }, new Metadata { { "x-request-id", "order-unary" } }).ResponseAsync.DefaultTimeout();

        Assert.Equal(
            [CallTrace.RequestContext, Authentication, Authorization, CallTrace.CallerLimits, CallTrace.CallObserver, CallTrace.ErrorMapping, CallTrace.StreamLifetime],
            _recorder.Of("order-unary"));
    }

    [Fact]
    public async Task StreamingCall_PassesTheSameLayersInTheSameOrder()
    {
        var client = Tokens.Client(_server, _tokens.Admin());
        using var call = client.StreamUsers(new StreamUsersRequest(), new Metadata { { "x-request-id", "order-stream" } });
        while (await call.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout())
        {
        }

        Assert.Equal(
            [CallTrace.RequestContext, Authentication, Authorization, CallTrace.CallerLimits, CallTrace.CallObserver, CallTrace.ErrorMapping, CallTrace.StreamLifetime],
            _recorder.Of("order-stream"));
    }

    [Fact]
    public async Task CallWithoutToken_IsRefusedBeforeTheInterceptors_With401AndBothHeaders()
    {
        using var response = await SendRawGetUserAsync(token: null, "order-401");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("order-401", Assert.Single(response.Headers.GetValues("request-id")));
        Assert.Equal("1.0.0", Assert.Single(response.Headers.GetValues("server-version")));
        Assert.Equal([CallTrace.RequestContext, Authentication, Authorization], _recorder.Of("order-401"));
    }

    [Fact]
    public async Task CallOfANonAdmin_IsRefusedBeforeTheInterceptors_With403AndBothHeaders()
    {
        // ListUsers needs the admin role; this caller has none.
        using var response = await SendRawAsync("ListUsers", new ListUsersRequest(), _tokens.Mint("user-5", userId: 5), "order-403");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("order-403", Assert.Single(response.Headers.GetValues("request-id")));
        Assert.Equal("1.0.0", Assert.Single(response.Headers.GetValues("server-version")));
        Assert.Equal([CallTrace.RequestContext, Authentication, Authorization], _recorder.Of("order-403"));
    }

    [Fact]
    public async Task RefusedCall_WithoutCallerId_StillGetsAGeneratedRequestId()
    {
        using var response = await SendRawGetUserAsync(token: null, requestId: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Matches("^[0-9a-f]{32}$", Assert.Single(response.Headers.GetValues("request-id")));
    }

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

    /// <summary>Puts a <see cref="CallTrace"/> on every request (keyed by its x-request-id) and marks authentication and authorization.</summary>
    private sealed class TraceRecorder
    {
        private readonly ConcurrentDictionary<string, CallTrace> _traces = new(StringComparer.Ordinal);

        public IReadOnlyList<string> Of(string requestId) => _traces.TryGetValue(requestId, out var trace) ? trace.Layers : [];

        public void Install(IServiceCollection services)
        {
            services.AddSingleton<IStartupFilter>(new TraceStartupFilter(_traces));
            services.AddSingleton<IAuthorizationHandler, MarkingAuthorizationHandler>();
            services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, bearer =>
            {
                bearer.Events ??= new JwtBearerEvents();
                var previous = bearer.Events.OnMessageReceived;
                bearer.Events.OnMessageReceived = context =>
                {
                    CallTrace.Mark(context.HttpContext, Authentication);
                    return previous(context);
                };
            });
        }
    }

    private sealed class TraceStartupFilter(ConcurrentDictionary<string, CallTrace> traces) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                var trace = new CallTrace();
                context.Features.Set(trace);
                if (context.Request.Headers["x-request-id"] is [{ } id])
                {
                    traces[id] = trace;
                }

                return nextMiddleware(context);
            });
            next(app);
        };
    }

    private sealed class MarkingAuthorizationHandler : IAuthorizationHandler
    {
        public Task HandleAsync(AuthorizationHandlerContext context)
        {
            CallTrace.Mark(context.Resource as HttpContext, Authorization);
            return Task.CompletedTask;
        }
    }
}

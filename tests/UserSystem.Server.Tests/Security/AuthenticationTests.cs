using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Security;

/// <summary>With Auth:Mode=Jwt, only a valid token gets in; health and reflection stay open.</summary>
public sealed class AuthenticationTests : IAsyncLifetime
{
    private static readonly Marshaller<byte[]> Raw = Marshallers.Create(bytes => bytes, bytes => bytes);
    private readonly Tokens _tokens = new();
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(databasePath: null, _tokens.ServerSettings);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    // Read from the contract, so an RPC added later is covered without touching this test.
    public static TheoryData<string> UserServiceMethods()
    {
        var data = new TheoryData<string>();
        foreach (var method in UserService.Descriptor.Methods)
        {
            data.Add(method.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(UserServiceMethods))]
    public async Task AnyUserServiceRpc_WithoutToken_IsUnauthenticated(string methodName)
    {
        await RpcAssert.FailsWithAsync(StatusCode.Unauthenticated, () => CallWithEmptyMessageAsync(Tokens.Channel(_server, token: null).CreateCallInvoker(), methodName));
    }

    [Theory]
    [MemberData(nameof(UserServiceMethods))]
    public async Task AnyUserServiceRpc_WithTokenSignedByAnotherKey_IsUnauthenticated(string methodName)
    {
        var forged = new Tokens().Admin();

        await RpcAssert.FailsWithAsync(StatusCode.Unauthenticated, () => CallWithEmptyMessageAsync(Tokens.Channel(_server, forged).CreateCallInvoker(), methodName));
    }

    [Fact]
    public async Task ExpiredToken_IsUnauthenticated()
    {
        // Expired well beyond the 30 s clock skew the server allows.
        var expired = _tokens.Mint("admin", lifetime: TimeSpan.FromMinutes(-5), roles: "admin");

        await RpcAssert.FailsWithAsync(StatusCode.Unauthenticated, () => Tokens.Client(_server, expired).ListUsersAsync(new ListUsersRequest()).ResponseAsync);
    }

    [Fact]
    public async Task MalformedAuthorizationHeader_IsUnauthenticated()
    {
        var headers = new Metadata { { "authorization", "Bearer not-a-jwt" } };

        await RpcAssert.FailsWithAsync(StatusCode.Unauthenticated, () => Tokens.Client(_server, token: null).ListUsersAsync(new ListUsersRequest(), headers).ResponseAsync);
    }

    [Fact]
    public async Task ValidAdminToken_IsAccepted()
    {
        var response = await Tokens.Client(_server, _tokens.Admin()).ListUsersAsync(new ListUsersRequest()).ResponseAsync.DefaultTimeout();

        Assert.Equal(0, response.Total);
    }

    [Fact]
    public async Task HealthAndReflection_WithoutToken_AreServed()
    {
        var channel = Tokens.Channel(_server, token: null);

        var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest()).ResponseAsync.DefaultTimeout();
        using var reflection = new ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo();
        await reflection.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = string.Empty }).DefaultTimeout();
        Assert.True(await reflection.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());
        await reflection.RequestStream.CompleteAsync().DefaultTimeout();
        using var http = new HttpClient { BaseAddress = _server.HttpAddress };
        using var healthz = await http.GetAsync(new Uri("/healthz", UriKind.Relative)).DefaultTimeout();

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        Assert.Contains(reflection.ResponseStream.Current.ListServicesResponse.Service, service => service.Name == "user.UserService");
        Assert.Equal(System.Net.HttpStatusCode.OK, healthz.StatusCode);
    }

    /// <summary>Calls any method of user.UserService with an empty request message, whatever its kind.</summary>
    internal static async Task CallWithEmptyMessageAsync(CallInvoker invoker, string methodName)
    {
        var descriptor = UserService.Descriptor.FindMethodByName(methodName);
        var type = (descriptor.IsClientStreaming, descriptor.IsServerStreaming) switch
        {
            (false, false) => MethodType.Unary,
            (true, false) => MethodType.ClientStreaming,
            (false, true) => MethodType.ServerStreaming,
            _ => MethodType.DuplexStreaming,
        };
        var method = new Method<byte[], byte[]>(type, UserService.Descriptor.FullName, methodName, Raw, Raw);
        switch (type)
        {
            case MethodType.Unary:
                await invoker.AsyncUnaryCall(method, null, new CallOptions(), []);
                break;
            case MethodType.ClientStreaming:
                using (var call = invoker.AsyncClientStreamingCall(method, null, new CallOptions()))
                {
                    await call.ResponseAsync;
                }

                break;
            case MethodType.ServerStreaming:
                using (var call = invoker.AsyncServerStreamingCall(method, null, new CallOptions(), []))
                {
                    while (await call.ResponseStream.MoveNext(CancellationToken.None))
                    {
                    }
                }

                break;
            default:
                using (var call = invoker.AsyncDuplexStreamingCall(method, null, new CallOptions()))
                {
                    while (await call.ResponseStream.MoveNext(CancellationToken.None))
                    {
                    }
                }

                break;
        }
    }
}

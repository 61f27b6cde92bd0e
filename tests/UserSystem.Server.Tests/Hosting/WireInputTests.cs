using Grpc.Core;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Hosting;

/// <summary>Bad bytes on the wire are bad input: a clear status, and the server keeps serving.</summary>
public sealed class WireInputTests : IAsyncLifetime
{
    // Field 1 as a length-delimited value of 5 bytes, followed by only one: a truncated message.
    private static readonly byte[] Truncated = [0x0A, 0x05, 0x41];
    private static readonly Marshaller<byte[]> Raw = Marshallers.Create(bytes => bytes, bytes => bytes);
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(databasePath: null, "Limits:MaxReceiveMessageBytes=65536");

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task UnaryRequestThatDoesNotParse_IsInvalidArgument_AndServerKeepsServing()
    {
        var invoker = _server.CreateChannel().CreateCallInvoker();
        var getUser = new Method<byte[], byte[]>(MethodType.Unary, "user.UserService", "GetUser", Raw, Raw);

        var exception = await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument,
            () => invoker.AsyncUnaryCall(getUser, null, new CallOptions(), Truncated).ResponseAsync);

        Assert.Contains("GetUserRequest", exception.Status.Detail, StringComparison.Ordinal);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task StreamedRequestThatDoesNotParse_IsInvalidArgument_AndNothingIsStored()
    {
        var invoker = _server.CreateChannel().CreateCallInvoker();
        var batch = new Method<byte[], byte[]>(MethodType.ClientStreaming, "user.UserService", "CreateBatchUsers", Raw, Raw);
        var valid = Users.NewRequest();

        using var call = invoker.AsyncClientStreamingCall(batch, null, new CallOptions());
        await call.RequestStream.WriteAsync(Google.Protobuf.MessageExtensions.ToByteArray(valid)).DefaultTimeout();
        await call.RequestStream.WriteAsync(Truncated).DefaultTimeout();
        await call.RequestStream.CompleteAsync().DefaultTimeout();

        await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument, () => call.ResponseAsync);
        var list = await _server.Client.ListUsersAsync(new ListUsersRequest { Limit = 100 }).ResponseAsync.DefaultTimeout();
        Assert.DoesNotContain(list.Users, user => user.Email == valid.Email);
    }

    [Fact]
    public async Task OversizedRequest_IsResourceExhausted_AndServerKeepsServing()
    {
        var request = Users.NewRequest(name: new string('x', 100_000));

        var exception = await RpcAssert.FailsWithAsync(StatusCode.ResourceExhausted,
            () => _server.Client.CreateUserAsync(request).ResponseAsync);

        Assert.Contains("maximum", exception.Status.Detail, StringComparison.OrdinalIgnoreCase);
        await AssertStillServingAsync();
    }

    private async Task AssertStillServingAsync()
    {
        var created = await _server.Client.CreateUserAsync(Users.NewRequest()).ResponseAsync.DefaultTimeout();
        var fetched = await _server.Client.GetUserAsync(new GetUserRequest { Id = created.User.Id }).ResponseAsync.DefaultTimeout();
        Assert.Equal(created.User.Email, fetched.Email);
    }
}

using Grpc.Core;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Rpc;

/// <summary>
/// A request whose bytes are not a valid message is INVALID_ARGUMENT naming the message, not
/// grpc-dotnet's UNKNOWN: the strict request marshaller (docs/decisions/strict-request-parsing.md).
/// </summary>
public sealed class MalformedRequestTests : ServerTestBase
{
    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(bytes => bytes, bytes => bytes);

    [Theory]
    [InlineData("GetUser", "GetUserRequest")]
    [InlineData("StreamUsers", "StreamUsersRequest")]
    public async Task BytesThatAreNotAMessage_AreInvalidArgument_NamingTheMessage(string method, string message)
    {
        using var channel = Server.CreateChannel();
        var invoker = channel.CreateCallInvoker();
        var type = method == "GetUser" ? MethodType.Unary : MethodType.ServerStreaming;
        var raw = new Method<byte[], byte[]>(type, "user.UserService", method, Bytes, Bytes);
        // Field 1 as a varint whose continuation bit promises a byte that never comes.
        byte[] truncated = [0x08, 0xFF];

        var failure = await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument, async () =>
        {
            if (type == MethodType.Unary)
            {
                await invoker.AsyncUnaryCall(raw, null, new CallOptions(), truncated).ResponseAsync;
            }
            else
            {
                using var call = invoker.AsyncServerStreamingCall(raw, null, new CallOptions(), truncated);
                await call.ResponseStream.MoveNext();
            }
        });

        Assert.Contains($"not a valid {message} message", failure.Status.Detail, StringComparison.Ordinal);
        // The server keeps serving.
        await Client.ListUsersAsync(new Contracts.ListUsersRequest()).ResponseAsync.DefaultTimeout();
    }
}

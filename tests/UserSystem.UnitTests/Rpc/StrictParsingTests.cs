using System.Buffers;
using Google.Protobuf;
using Grpc.Core;
using UserSystem.Contracts;
using UserSystem.Server.Rpc.Binding;

namespace UserSystem.UnitTests.Rpc;

public sealed class StrictParsingTests
{
    private static readonly Method<GetUserRequest, User> GetUser = new(
        MethodType.Unary, "user.UserService", "GetUser",
        Marshallers.Create(message => message.ToByteArray(), GetUserRequest.Parser.ParseFrom),
        Marshallers.Create(message => message.ToByteArray(), User.Parser.ParseFrom));

    [Fact]
    public void RequestThatDoesNotParse_IsInvalidArgument_NamingTheMessage()
    {
        var strict = StrictParsingServiceBinder<object>.Strict(GetUser);

        // Field 1 as a length-delimited value of 5 bytes, followed by only one: a truncated message.
        var exception = Assert.Throws<RpcException>(() => strict.RequestMarshaller.ContextualDeserializer(new Payload([0x0A, 0x05, 0x41])));

        Assert.Equal(StatusCode.InvalidArgument, exception.StatusCode);
        Assert.Contains(nameof(GetUserRequest), exception.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidRequest_ParsesAsBefore_AndTheMethodIsUnchanged()
    {
        var strict = StrictParsingServiceBinder<object>.Strict(GetUser);

        var request = strict.RequestMarshaller.ContextualDeserializer(new Payload(new GetUserRequest { Id = 42 }.ToByteArray()));

        Assert.Equal(42, request.Id);
        Assert.Equal((GetUser.FullName, GetUser.Type, GetUser.ResponseMarshaller), (strict.FullName, strict.Type, strict.ResponseMarshaller));
    }

    private sealed class Payload(byte[] bytes) : DeserializationContext
    {
        public override int PayloadLength => bytes.Length;

        public override byte[] PayloadAsNewBuffer() => (byte[])bytes.Clone();

        public override ReadOnlySequence<byte> PayloadAsReadOnlySequence() => new(bytes);
    }
}

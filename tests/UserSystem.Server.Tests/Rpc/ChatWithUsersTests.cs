using Grpc.Core;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Rpc;

public sealed class ChatWithUsersTests : ServerTestBase
{

    [Fact]
    public async Task EachRequest_IsCreatedAndSentBackBeforeTheNextIsSent()
    {
        using var chat = Client.ChatWithUsers();

        foreach (var name in new[] { "First", "Second", "Third" })
        {
            var request = Users.NewRequest(name: name);
            await chat.RequestStream.WriteAsync(request).DefaultTimeout();
            Assert.True(await chat.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());
            var user = chat.ResponseStream.Current;
            Assert.Equal(name, user.Name);
            Assert.Equal(request.Email, user.Email);
            Assert.Equal(user, await Client.GetUserAsync(new GetUserRequest { Id = user.Id }).ResponseAsync.DefaultTimeout());
        }

        await chat.RequestStream.CompleteAsync().DefaultTimeout();
        Assert.False(await chat.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());
    }

    [Fact]
    public async Task FailingItem_EndsTheCallWithItsStatus_AndEarlierUsersStayCreated()
    {
        using var chat = Client.ChatWithUsers();
        await chat.RequestStream.WriteAsync(Users.NewRequest(name: "Kept")).DefaultTimeout();
        Assert.True(await chat.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());
        var kept = chat.ResponseStream.Current;

        await chat.RequestStream.WriteAsync(new CreateUserRequest { Name = "No Email" }).DefaultTimeout();
        var exception = await Assert.ThrowsAsync<RpcException>(() => chat.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());

        Assert.Equal(StatusCode.InvalidArgument, exception.StatusCode);
        Assert.Equal(["email"], RpcAssert.ViolatedFields(exception));
        var list = await Client.ListUsersAsync(new ListUsersRequest()).ResponseAsync.DefaultTimeout();
        Assert.Equal([kept.Id], list.Users.Select(user => user.Id));
    }

    [Fact]
    public async Task DuplicateEmail_EndsTheCallWithAlreadyExists()
    {
        using var chat = Client.ChatWithUsers();
        await chat.RequestStream.WriteAsync(Users.NewRequest(email: "chat@example.com")).DefaultTimeout();
        Assert.True(await chat.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());

        await chat.RequestStream.WriteAsync(Users.NewRequest(email: "CHAT@example.com")).DefaultTimeout();
        var exception = await Assert.ThrowsAsync<RpcException>(() => chat.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());

        Assert.Equal(StatusCode.AlreadyExists, exception.StatusCode);
    }
}

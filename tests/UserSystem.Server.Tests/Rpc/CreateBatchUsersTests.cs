using Grpc.Core;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Rpc;

/// <summary>CreateBatchUsers is all or nothing.</summary>
public sealed class CreateBatchUsersTests : ServerTestBase
{

    [Fact]
    public async Task ValidBatch_StoresEveryUser_AndAnswersCountAndIds()
    {
        var requests = Enumerable.Range(1, 3).Select(i => Users.NewRequest(name: $"Batch {i}")).ToList();

        var response = await SendBatchAsync(requests).DefaultTimeout();

        Assert.Equal("3 users created", response.Message);
        Assert.Equal(3, response.CreatedCount);
        var ids = response.CreatedIds.SelectMany(range => Enumerable.Range(range.First, range.Last - range.First + 1)).ToList();
        Assert.Equal(3, ids.Count);
        foreach (var (id, request) in ids.Zip(requests))
        {
            var user = await Client.GetUserAsync(new GetUserRequest { Id = id }).ResponseAsync.DefaultTimeout();
            Assert.Equal(request.Email, user.Email);
            Assert.Equal(UserStatus.Active, user.Status);
        }
    }

    [Fact]
    public async Task EmptyBatch_AnswersZeroUsersCreated()
    {
        var response = await SendBatchAsync([]).DefaultTimeout();

        Assert.Equal("0 users created", response.Message);
        Assert.Equal(0, response.CreatedCount);
    }

    [Fact]
    public async Task InvalidFifthItem_FailsTheCall_NamingItsPosition_AndLeavesNoTraceOfItemsOneToFour()
    {
        var requests = Enumerable.Range(1, 6).Select(i => Users.NewRequest(name: $"Batch {i}")).ToList();
        requests[4].Email = "not-an-email";

        var exception = await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument, () => SendBatchAsync(requests));

        Assert.StartsWith("Batch item 5 is invalid", exception.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(["email"], RpcAssert.ViolatedFields(exception));
        Assert.Equal(0, await CountUsersAsync());
        // The emails of items 1-4 were never taken: the same users can be created now.
        var retry = await SendBatchAsync(requests.Take(4)).DefaultTimeout();
        Assert.Equal(4, retry.CreatedCount);
    }

    [Fact]
    public async Task ItemWithAnExistingEmail_IsAlreadyExists_NamingItsPosition_AndStoresNothing()
    {
        await Client.CreateUserAsync(Users.NewRequest(email: "taken@example.com")).ResponseAsync.DefaultTimeout();
        var requests = new[] { Users.NewRequest(), Users.NewRequest(), Users.NewRequest(email: "Taken@Example.com") };

        var exception = await RpcAssert.FailsWithAsync(StatusCode.AlreadyExists, () => SendBatchAsync(requests));

        Assert.StartsWith("Batch item 3", exception.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(1, await CountUsersAsync());
    }

    [Fact]
    public async Task EmailRepeatedWithinTheBatch_IsAlreadyExists_NamingTheRepeat()
    {
        var requests = new[] { Users.NewRequest(email: "same@example.com"), Users.NewRequest(email: "SAME@example.com") };

        var exception = await RpcAssert.FailsWithAsync(StatusCode.AlreadyExists, () => SendBatchAsync(requests));

        Assert.StartsWith("Batch item 2", exception.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(0, await CountUsersAsync());
    }

    [Fact]
    public async Task ClientCancelsMidBatch_NothingIsStored()
    {
        using var cancellation = new CancellationTokenSource();
        using var call = Client.CreateBatchUsers(cancellationToken: cancellation.Token);
        for (var i = 0; i < 5; i++)
        {
            await call.RequestStream.WriteAsync(Users.NewRequest()).DefaultTimeout();
        }

        await cancellation.CancelAsync();
        var exception = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.DefaultTimeout());

        Assert.Equal(StatusCode.Cancelled, exception.StatusCode);
        Assert.Equal(0, await CountUsersAsync());
    }

    private async Task<CreateUserResponse> SendBatchAsync(IEnumerable<CreateUserRequest> requests)
    {
        using var call = Client.CreateBatchUsers();
        try
        {
            foreach (var request in requests)
            {
                await call.RequestStream.WriteAsync(request);
            }

            await call.RequestStream.CompleteAsync();
        }
        catch (RpcException)
        {
            // The server ended the call early; its status comes from the response below.
        }

        return await call.ResponseAsync;
    }
}

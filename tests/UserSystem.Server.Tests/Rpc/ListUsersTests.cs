using Grpc.Core;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Rpc;

/// <summary>Seed offset paging with the documented default (10) and maximum (100) page sizes.</summary>
public sealed class ListUsersTests : ServerTestBase
{
    private const int UserCount = 105;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        using var batch = Client.CreateBatchUsers();
        for (var i = 1; i <= UserCount; i++)
        {
            await batch.RequestStream.WriteAsync(Users.NewRequest(name: $"User {i}")).DefaultTimeout();
        }

        await batch.RequestStream.CompleteAsync().DefaultTimeout();
        await batch.ResponseAsync.DefaultTimeout();
    }

    [Fact]
    public async Task Page_IsTheIdOrderedSlice_WithTheTrueTotal()
    {
        var response = await Client.ListUsersAsync(new ListUsersRequest { Page = 2, Limit = 4 }).ResponseAsync.DefaultTimeout();

        Assert.Equal(["User 9", "User 10", "User 11", "User 12"], response.Users.Select(user => user.Name));
        Assert.Equal(UserCount, response.Total);
        Assert.Equal(2, response.Page);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public async Task NonPositiveLimit_UsesTheDefaultPageSizeOfTen(int limit)
    {
        var response = await Client.ListUsersAsync(new ListUsersRequest { Page = 1, Limit = limit }).ResponseAsync.DefaultTimeout();

        Assert.Equal(Enumerable.Range(11, 10).Select(i => $"User {i}"), response.Users.Select(user => user.Name));
    }

    [Fact]
    public async Task LimitAboveTheMaximum_IsCappedToOneHundred()
    {
        var response = await Client.ListUsersAsync(new ListUsersRequest { Page = 0, Limit = 1000 }).ResponseAsync.DefaultTimeout();

        Assert.Equal(100, response.Users.Count);
        Assert.Equal(UserCount, response.Total);
    }

    [Fact]
    public async Task PageBeyondTheEnd_IsEmpty_WithTheTotal()
    {
        var response = await Client.ListUsersAsync(new ListUsersRequest { Page = 50, Limit = 10 }).ResponseAsync.DefaultTimeout();

        Assert.Empty(response.Users);
        Assert.Equal(UserCount, response.Total);
    }

    [Fact]
    public async Task NegativePage_IsInvalidArgument_OnPage()
    {
        var exception = await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument,
            () => Client.ListUsersAsync(new ListUsersRequest { Page = -1, Limit = 10 }).ResponseAsync);

        Assert.Equal(["page"], RpcAssert.ViolatedFields(exception));
    }
}

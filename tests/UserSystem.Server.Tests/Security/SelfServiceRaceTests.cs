using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Security;

/// <summary>
/// A suspension that commits between a self-update's checks and its write stops the write
/// (issue 12, item 2): the update is bound to the version its checks read.
/// </summary>
public sealed class SelfServiceRaceTests
{
    [Fact]
    public async Task SuspensionBetweenASelfUpdatesChecksAndItsWrite_IsAborted_AndNothingChanges()
    {
        var tokens = new Tokens();
        var gate = new StoreGate(StoreHold.BeforeUpdate);
        await using var server = await TestServer.StartAsync(gate.Install, databasePath: null, tokens.ServerSettings);
        var admin = Tokens.Client(server, tokens.Admin());
        var alice = (await admin.CreateUserAsync(Users.NewRequest("Alice")).ResponseAsync.DefaultTimeout()).User;
        var asAlice = Tokens.Client(server, tokens.Mint("alice", userId: alice.Id));

        var update = asAlice.UpdateUserAsync(new UpdateUserRequest
        {
            User = new Contracts.User { Id = alice.Id, Name = "Alice Again" },
            UpdateMask = new FieldMask { Paths = { "name" } },
        }).ResponseAsync;
        await gate.Reached.DefaultTimeout();
        await admin.SetUserStatusAsync(new SetUserStatusRequest { Id = alice.Id, Status = UserStatus.Suspended }).ResponseAsync.DefaultTimeout();
        gate.Release();

        await RpcAssert.FailsWithAsync(StatusCode.Aborted, () => update);
        var list = await admin.ListUsersAsync(new ListUsersRequest { Limit = 10 }).ResponseAsync.DefaultTimeout();
        var stored = list.Users.Single(user => user.Id == alice.Id);
        Assert.Equal("Alice", stored.Name);
        Assert.Equal(UserStatus.Suspended, stored.Status);
    }

    [Fact]
    public async Task AdminUpdate_WithoutAnEtag_StillLastWriterWins()
    {
        var tokens = new Tokens();
        var gate = new StoreGate(StoreHold.BeforeUpdate);
        await using var server = await TestServer.StartAsync(gate.Install, databasePath: null, tokens.ServerSettings);
        var admin = Tokens.Client(server, tokens.Admin());
        var alice = (await admin.CreateUserAsync(Users.NewRequest("Alice")).ResponseAsync.DefaultTimeout()).User;

        var update = admin.UpdateUserAsync(new UpdateUserRequest
        {
            User = new Contracts.User { Id = alice.Id, Name = "Alice Renamed" },
            UpdateMask = new FieldMask { Paths = { "name" } },
        }).ResponseAsync;
        await gate.Reached.DefaultTimeout();
        await admin.SetUserStatusAsync(new SetUserStatusRequest { Id = alice.Id, Status = UserStatus.Suspended }).ResponseAsync.DefaultTimeout();
        gate.Release();

        Assert.Equal("Alice Renamed", (await update.DefaultTimeout()).Name);
    }
}

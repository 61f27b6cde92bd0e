using Grpc.Core;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using UserSystem.Contracts;
using UserSystem.Server.Caching;
using UserSystem.Server.Storage;
using UserSystem.Server.Tests.Caching;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Security;

/// <summary>
/// Whoever can write the shared cache (Redis, <c>user:&lt;id&gt;</c>) must not be able to bind a
/// user to their own email: the owner check of a caller bound by email reads the store.
/// </summary>
public sealed class CachedOwnershipTests
{
    [Fact]
    public async Task CacheEntryCarryingTheCallersEmail_DoesNotMakeThemTheOwner()
    {
        var tokens = new Tokens();
        await using var server = await TestServer.StartAsync(databasePath: null, tokens.ServerSettings);
        var admin = Tokens.Client(server, tokens.Admin());
        var alice = (await admin.CreateUserAsync(Users.NewRequest("Alice")).ResponseAsync.DefaultTimeout()).User;
        var mallory = Users.UniqueEmail();
        await CacheProbe.WaitUntilTrustedAsync(server);

        // As a Redis writer would: alice's entry, with mallory's address, stamped as a fresh read.
        var account = await server.Services.GetRequiredService<IUserStore>().FindAsync(alice.Id, CancellationToken.None).DefaultTimeout();
        var clock = server.Services.GetRequiredService<InvalidationClock>();
        await server.Services.GetRequiredService<HybridCache>()
            .SetAsync(UserCache.Key(alice.Id), new CachedUser(account! with { Email = mallory }, clock.Now())).AsTask().DefaultTimeout();
        var poisoned = await admin.GetUserAsync(new GetUserRequest { Id = alice.Id }).ResponseAsync.DefaultTimeout();

        var asMallory = Tokens.Client(server, tokens.Mint("mallory", email: mallory));
        await RpcAssert.FailsWithAsync(StatusCode.PermissionDenied, () => asMallory.GetUserAsync(new GetUserRequest { Id = alice.Id }).ResponseAsync);
        Assert.Equal(mallory, poisoned.Email);
    }
}

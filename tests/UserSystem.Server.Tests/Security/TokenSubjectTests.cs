using Grpc.Core;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Security;

/// <summary>
/// In Jwt mode every token names its subject: without <c>sub</c> an admin token would be recorded
/// as <c>local-admin</c>, the identity of the open development mode.
/// </summary>
public sealed class TokenSubjectTests
{
    [Fact]
    public async Task AdminTokenWithoutSub_IsUnauthenticated()
    {
        var tokens = new Tokens();
        await using var server = await TestServer.StartAsync(databasePath: null, tokens.ServerSettings);
        var token = RawTokens.Mint(tokens.SigningKey, new Dictionary<string, object> { ["role"] = "admin" });

        await RpcAssert.FailsWithAsync(StatusCode.Unauthenticated,
            () => Tokens.Client(server, token).ListUsersAsync(new ListUsersRequest()).ResponseAsync);
        var withSub = await Tokens.Client(server, tokens.Admin("dana")).ListUsersAsync(new ListUsersRequest()).ResponseAsync.DefaultTimeout();

        Assert.Equal(0, withSub.Total);
    }
}

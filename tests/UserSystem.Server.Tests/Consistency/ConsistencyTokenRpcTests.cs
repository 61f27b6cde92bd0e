using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Grpc.Core;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Consistency;

/// <summary>
/// The <c>consistency-token</c> header on SQLite (one copy: identity 0, accepted and answered) and
/// its refusals, over gRPC and REST.
/// </summary>
public sealed class ConsistencyTokenRpcTests : ServerTestBase
{
    [Theory]
    [InlineData("not a token")]
    [InlineData("AQAAAAAAAAAHAAAAAAAAAA")]
    public async Task GetUser_MalformedToken_IsInvalidArgumentNamingTheHeader(string token)
    {
        var created = await Client.CreateUserAsync(Users.NewRequest()).ResponseAsync.DefaultTimeout();

        var refused = await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument, () =>
            Client.GetUserAsync(new GetUserRequest { Id = created.User.Id }, new Metadata { { ConsistencyToken.Header, token } }).ResponseAsync);

        Assert.Equal([ConsistencyToken.Header], RpcAssert.ViolatedFields(refused));
    }

    [Fact]
    public async Task ListUsers_TokenOfAnotherCluster_IsInvalidArgumentNamingTheHeader()
    {
        var foreign = new ConsistencyToken(SystemId: 7_312_345_678_901_234_567, Lsn: 1).Format();

        var refused = await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument, () =>
            Client.ListUsersAsync(new ListUsersRequest(), new Metadata { { ConsistencyToken.Header, foreign } }).ResponseAsync);

        Assert.Equal([ConsistencyToken.Header], RpcAssert.ViolatedFields(refused));
        Assert.Contains("another database cluster", refused.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateUser_OnSqlite_AnswersAToken_ThatAReadAcceptsAndAnswersBack()
    {
        using var create = Client.CreateUserAsync(Users.NewRequest());
        await create.ResponseAsync.DefaultTimeout();
        var token = (await create.ResponseHeadersAsync.DefaultTimeout()).GetValue(ConsistencyToken.Header);
        Assert.True(ConsistencyToken.TryParse(token, out var parsed));
        Assert.Equal(0UL, parsed.SystemId);

        using var list = Client.ListUsersAsync(new ListUsersRequest(), new Metadata { { ConsistencyToken.Header, token! } });
        Assert.Equal(1, (await list.ResponseAsync.DefaultTimeout()).Total);
        Assert.Equal(token, (await list.ResponseHeadersAsync.DefaultTimeout()).GetValue(ConsistencyToken.Header));
    }

    [Fact]
    public async Task StreamUsers_AnswersTheTokenInItsHeadersAndTrailers()
    {
        await Client.CreateUserAsync(Users.NewRequest()).ResponseAsync.DefaultTimeout();

        using var stream = Client.StreamUsers(new StreamUsersRequest());
        while (await stream.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout())
        {
        }

        Assert.True(ConsistencyToken.TryParse((await stream.ResponseHeadersAsync.DefaultTimeout()).GetValue(ConsistencyToken.Header), out _));
        Assert.True(ConsistencyToken.TryParse(stream.GetTrailers().GetValue(ConsistencyToken.Header), out _));
    }

    [Fact]
    public async Task Rest_AnswersTheHeader_AndRefusesAMalformedOneWith400NamingIt()
    {
        using var http = new HttpClient { BaseAddress = Server.HttpAddress };
        using var created = await http.PostAsJsonAsync("/v1/users", new { name = "Rest Ann", email = Users.UniqueEmail(), age = 31 }).DefaultTimeout();
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.True(created.Headers.TryGetValues(ConsistencyToken.Header, out var answered));
        Assert.True(ConsistencyToken.TryParse(answered.Single(), out _));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/users");
        request.Headers.Add(ConsistencyToken.Header, "not-a-token");
        using var refused = await http.SendAsync(request).DefaultTimeout();

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var error = JsonNode.Parse(await refused.Content.ReadAsStringAsync().DefaultTimeout())!;
        Assert.Contains(ConsistencyToken.Header, (string?)error["message"], StringComparison.Ordinal);
    }
}

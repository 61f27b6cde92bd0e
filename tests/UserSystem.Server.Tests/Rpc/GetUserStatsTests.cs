using System.Globalization;
using System.Net;
using Grpc.Core;
using UserSystem.Contracts;
using UserSystem.Server.Tests.Security;
using UserSystem.Server.Tests.Web;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Rpc;

/// <summary><c>GetUserStats</c> over gRPC and REST: the counts, the day range and its limits, and who may call it.</summary>
public sealed class GetUserStatsTests : RestTestBase
{
    private static string Today => DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Fact]
    public async Task Stats_CountEveryStatusAndToday_AndNameTheLatestEvent()
    {
        var users = new List<Contracts.User>();
        for (var i = 0; i < 4; i++)
        {
            users.Add((await Client.CreateUserAsync(Users.NewRequest($"Stats {i}")).ResponseAsync.DefaultTimeout()).User);
        }

        await Client.SetUserStatusAsync(new SetUserStatusRequest { Id = users[0].Id, Status = UserStatus.Suspended }).ResponseAsync.DefaultTimeout();
        await Client.DeleteUserAsync(new DeleteUserRequest { Id = users[1].Id }).ResponseAsync.DefaultTimeout();

        var stats = await Client.GetUserStatsAsync(new GetUserStatsRequest()).ResponseAsync.DefaultTimeout();

        Assert.Equal(3, stats.Total);
        Assert.Equal(
            [(UserStatus.Inactive, 0L), (UserStatus.Active, 2L), (UserStatus.Suspended, 1L)],
            stats.StatusCounts.Select(count => (count.Status, count.Count)));
        Assert.Equal(30, stats.DailyCreated.Count);
        Assert.Equal((Today, 3L), (stats.DailyCreated[^1].Date, stats.DailyCreated[^1].Count));
        Assert.All(stats.DailyCreated.SkipLast(1), day => Assert.Equal(0, day.Count));
        Assert.Equal(
            Enumerable.Range(0, 30).Select(back => DateTime.UtcNow.Date.AddDays(-29 + back).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            stats.DailyCreated.Select(day => day.Date));
        Assert.Equal(6, stats.LatestEventId); // 4 creates, 1 status change, 1 delete

        // The latest event id is where a watcher picks up: the next change is the first it sees.
        using var watch = Client.WatchUsers(new WatchUsersRequest { SinceEventId = stats.LatestEventId });
        var next = await Client.CreateUserAsync(Users.NewRequest("After the snapshot")).ResponseAsync.DefaultTimeout();
        Assert.True(await watch.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());
        Assert.Equal((stats.LatestEventId + 1, next.User.Id), (watch.ResponseStream.Current.EventId, watch.ResponseStream.Current.UserId));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(365, 365)]
    [InlineData(366, 366)]
    [InlineData(100_000, 366)]
    public async Task Stats_ReturnTheAskedDays_CappedAt366(int days, int expected)
    {
        var stats = await Client.GetUserStatsAsync(new GetUserStatsRequest { Days = days }).ResponseAsync.DefaultTimeout();

        Assert.Equal(expected, stats.DailyCreated.Count);
        Assert.Equal(Today, stats.DailyCreated[^1].Date);
    }

    [Fact]
    public async Task Stats_NegativeDays_IsInvalidArgumentNamingTheField()
    {
        var error = await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument, () => Client.GetUserStatsAsync(new GetUserStatsRequest { Days = -1 }).ResponseAsync);

        Assert.Equal(["days"], RpcAssert.ViolatedFields(error));
    }

    [Fact]
    public async Task RestStats_AnswersTheCountsInProtoJson()
    {
        await Client.CreateUserAsync(Users.NewRequest("Over REST")).ResponseAsync.DefaultTimeout();

        using var response = await GetAsync("/v1/users:stats?days=7");

        var stats = await JsonAsync(response, HttpStatusCode.OK);
        Assert.Equal(1, (long?)stats["total"]);
        Assert.Equal(7, stats["dailyCreated"]!.AsArray().Count);
        Assert.Equal(Today, (string?)stats["dailyCreated"]![6]!["date"]);
        Assert.Equal(1, (long?)stats["dailyCreated"]![6]!["count"]);
        Assert.Equal("ACTIVE", (string?)stats["statusCounts"]![1]!["status"]);
    }

    [Fact]
    public async Task Stats_UnderJwt_AreForAdminsOnly()
    {
        var tokens = new Tokens();
        await using var server = await TestServer.StartAsync(databasePath: null, tokens.ServerSettings);
        var user = Tokens.Client(server, tokens.Mint("alice", userId: 1));
        var admin = Tokens.Client(server, tokens.Admin());

        await RpcAssert.FailsWithAsync(StatusCode.Unauthenticated, () => Tokens.Client(server, null).GetUserStatsAsync(new GetUserStatsRequest()).ResponseAsync);
        await RpcAssert.FailsWithAsync(StatusCode.PermissionDenied, () => user.GetUserStatsAsync(new GetUserStatsRequest()).ResponseAsync);
        Assert.Equal(0, (await admin.GetUserStatsAsync(new GetUserStatsRequest()).ResponseAsync.DefaultTimeout()).Total);
    }
}

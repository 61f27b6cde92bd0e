using System.Globalization;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using UserSystem.Cli.Hosting;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Cli.Tests;

public sealed class WatchCommandTests : ServerTest
{
    [Fact]
    public async Task Watch_JsonOutput_PrintsHistoryThenLiveChanges_AndExitsZeroOnCancel()
    {
        var id = await CreateUserAsync("Watched", "watched@example.com");
        await using var watch = BackgroundCli.Start(Server, "watch", "-o", "json");
        await watch.WaitForLinesAsync(1);

        await Server.Client.UpdateUserAsync(new UpdateUserRequest { User = new User { Id = id, Age = 77 }, UpdateMask = new FieldMask { Paths = { "age" } } }).ResponseAsync.DefaultTimeout();
        await Server.Client.SetUserStatusAsync(new SetUserStatusRequest { Id = id, Status = UserStatus.Suspended }).ResponseAsync.DefaultTimeout();
        await Server.Client.DeleteUserAsync(new DeleteUserRequest { Id = id }).ResponseAsync.DefaultTimeout();
        var lines = await watch.WaitForLinesAsync(4);
        var result = await watch.StopAsync();

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        var events = lines.Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.Equal(
            ["USER_EVENT_KIND_CREATED", "USER_EVENT_KIND_UPDATED", "USER_EVENT_KIND_STATUS_CHANGED", "USER_EVENT_KIND_DELETED"],
            events.Select(e => e.GetProperty("kind").GetString()));
        Assert.All(events, e => Assert.Equal(id, e.GetProperty("userId").GetInt32()));
        Assert.Equal(77, events[1].GetProperty("user").GetProperty("age").GetInt32());
        Assert.Equal("SUSPENDED", events[2].GetProperty("user").GetProperty("status").GetString());
        var lastEventId = events[3].GetProperty("eventId").GetString(); // proto3 JSON writes int64 as a string
        Assert.Contains($"4 events watched; resume with --since {lastEventId}.", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_SinceAnEvent_PrintsOnlyLaterEventsAsTableLines()
    {
        await CreateUserAsync("Earlier", "earlier@example.com");
        var firstEventId = await FirstEventIdAsync();
        await CreateUserAsync("Later", "later@example.com");
        await using var watch = BackgroundCli.Start(Server, "watch", "--since", firstEventId.ToString(CultureInfo.InvariantCulture));

        await watch.WaitForLinesAsync(1);
        await CreateUserAsync("Live", "live@example.com");
        var lines = await watch.WaitForLinesAsync(2);
        var result = await watch.StopAsync();

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal(2, lines.Length);
        Assert.Contains("CREATED", lines[0], StringComparison.Ordinal);
        Assert.Contains("later@example.com", lines[0], StringComparison.Ordinal);
        Assert.Contains("live@example.com", lines[1], StringComparison.Ordinal);
        Assert.DoesNotContain("earlier@example.com", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_ServerEndsTheStreamAtItsDurationLimit_ResumesWithoutGapsOrRepeats()
    {
        // This server cuts deadline-less streams after 1 s (Limits:MaxStreamDurationSeconds); watch must carry on.
        await using var server = await TestServer.StartAsync(databasePath: null, "Limits:MaxStreamDurationSeconds=1");
        await server.Client.CreateUserAsync(Users.NewRequest("Before the cut", "before@example.com")).ResponseAsync.DefaultTimeout();
        await using var watch = BackgroundCli.Start(server, "watch");
        await watch.WaitForLinesAsync(1);

        await Task.Delay(TimeSpan.FromSeconds(2.5)); // past the server's limit: the first stream has ended by now
        await server.Client.CreateUserAsync(Users.NewRequest("After the cut", "after@example.com")).ResponseAsync.DefaultTimeout();
        var lines = await watch.WaitForLinesAsync(2);
        var result = await watch.StopAsync();

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal(2, lines.Length);
        Assert.Contains("before@example.com", lines[0], StringComparison.Ordinal);
        Assert.Contains("after@example.com", lines[1], StringComparison.Ordinal);
        Assert.DoesNotContain("error", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_WithTimeout_EndsAfterItCleanly_SayingWhereToResume()
    {
        // --timeout is how long the user asked the watch to run: its end is not an error.
        await using var watch = BackgroundCli.Start(Server, "watch", "--timeout", "0.5");

        var result = await watch.WaitForExitAsync();

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Matches(@"^\d+ events watched; resume with --since \d+\.$", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public async Task Watch_NegativeSince_ExitsUsage()
    {
        var result = await RunAsync("watch", "--since", "-1");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.StartsWith("error: --since", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }

    private async Task<long> FirstEventIdAsync()
    {
        using var cancellation = new CancellationTokenSource();
        using var call = Server.Client.WatchUsers(new WatchUsersRequest(), cancellationToken: cancellation.Token);
        Assert.True(await call.ResponseStream.MoveNext(cancellation.Token).DefaultTimeout());
        var eventId = call.ResponseStream.Current.EventId;
        await cancellation.CancelAsync();
        return eventId;
    }
}

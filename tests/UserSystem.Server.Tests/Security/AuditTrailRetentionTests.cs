using System.Diagnostics.Metrics;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Security;

/// <summary>
/// The event history cannot be erased by the users it records: count pruning spares events
/// younger than its age floor, creates, status changes and deletions are kept for their own
/// period, a user's changes to themselves are bounded, and a gauge says how close count pruning is.
/// </summary>
public sealed class AuditTrailRetentionTests
{
    private static readonly string[] TinyHistory = ["Storage:Events:MaxCount=6", "Storage:Events:PruneIntervalSeconds=1"];

    [Fact]
    public async Task EightSelfRenames_WithMaxCountSix_LeaveBothAdminCreatesInTheHistory()
    {
        var tokens = new Tokens();
        await using var server = await TestServer.StartAsync(databasePath: null, [.. tokens.ServerSettings, .. TinyHistory]);
        var (admin, created) = await CreateTwoAsync(server, tokens);

        await RenameSelfAsync(server, tokens, created[1], times: 8);
        // 10 events against a MaxCount of 6: a prune round has run since the renames once the gauge says so.
        await UntilFillAsync(server, fill => fill > 1.5).DefaultTimeout();

        var history = await WatchFromZeroAsync(admin);
        Assert.Equal(created, history.Where(change => change.Kind == UserEventKind.Created).Select(change => change.UserId));
        Assert.Equal(10, history.Count);
    }

    [Fact]
    public async Task CountPruningWithoutTheAgeFloor_DeletesOnlySelfRenames_AndKeepsTheCreates()
    {
        var tokens = new Tokens();
        await using var server = await TestServer.StartAsync(databasePath: null, [.. tokens.ServerSettings, .. TinyHistory, "Storage:Events:MinAgeHoursBeforeCountPruning=0"]);
        var (admin, created) = await CreateTwoAsync(server, tokens);

        await RenameSelfAsync(server, tokens, created[1], times: 8);
        // Exactly MaxCount kept above the watermark: a round has pruned since the renames.
        await UntilFillAsync(server, fill => Math.Abs(fill - 1) < 1e-9).DefaultTimeout();

        var history = await WatchFromZeroAsync(admin);
        Assert.Equal(created, history.Where(change => change.Kind == UserEventKind.Created).Select(change => change.UserId));
        Assert.InRange(history.Count(change => change.Kind == UserEventKind.Updated), 1, 6);
    }

    [Fact]
    public async Task SelfChangesPastTheBound_AreResourceExhausted_WhileAnAdminMayStillChangeTheUser()
    {
        var tokens = new Tokens();
        await using var server = await TestServer.StartAsync(databasePath: null, [.. tokens.ServerSettings, "RateLimit:SelfChangesPerPeriod=3"]);
        var (admin, created) = await CreateTwoAsync(server, tokens);

        await RenameSelfAsync(server, tokens, created[0], times: 3);
        var self = Tokens.Client(server, tokens.Mint("owner", userId: created[0]));
        var refused = await RpcAssert.FailsWithAsync(StatusCode.ResourceExhausted, () => self.UpdateUserAsync(Rename(created[0], "Once More")).ResponseAsync);
        var byAdmin = await admin.UpdateUserAsync(Rename(created[0], "By Admin")).ResponseAsync.DefaultTimeout();

        Assert.Contains("RateLimit:SelfChangesPerPeriod", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Equal("By Admin", byAdmin.Name);
    }

    private static async Task<(UserService.UserServiceClient Admin, int[] Created)> CreateTwoAsync(TestServer server, Tokens tokens)
    {
        var admin = Tokens.Client(server, tokens.Admin());
        var first = await admin.CreateUserAsync(Users.NewRequest("First")).ResponseAsync.DefaultTimeout();
        var second = await admin.CreateUserAsync(Users.NewRequest("Second")).ResponseAsync.DefaultTimeout();
        return (admin, [first.User.Id, second.User.Id]);
    }

    private static async Task RenameSelfAsync(TestServer server, Tokens tokens, int id, int times)
    {
        var self = Tokens.Client(server, tokens.Mint("owner", userId: id));
        for (var i = 0; i < times; i++)
        {
            await self.UpdateUserAsync(Rename(id, $"Name {i}")).ResponseAsync.DefaultTimeout();
        }
    }

    private static UpdateUserRequest Rename(int id, string name) => new()
    {
        User = new Contracts.User { Id = id, Name = name },
        UpdateMask = new FieldMask { Paths = { "name" } },
    };

    // Every event kept, up to the newest (the stats say which that is).
    private static async Task<List<UserEvent>> WatchFromZeroAsync(UserService.UserServiceClient admin)
    {
        var newest = (await admin.GetUserStatsAsync(new GetUserStatsRequest()).ResponseAsync.DefaultTimeout()).LatestEventId;
        using var watch = admin.WatchUsers(new WatchUsersRequest());
        var history = new List<UserEvent>();
        while (history.Count == 0 || history[^1].EventId < newest)
        {
            Assert.True(await watch.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());
            history.Add(watch.ResponseStream.Current);
        }

        return history;
    }

    // Read from this server's own meter: a /metrics scrape is process-wide (the OpenTelemetry
    // listener sees the meters of every server the test process runs at the same time).
    private static async Task UntilFillAsync(TestServer server, Func<double, bool> reached)
    {
        var factory = server.Services.GetRequiredService<IMeterFactory>();
        double? fill = null;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, subscriber) =>
            {
                if (instrument.Name == "user_system.event_history.fill_ratio" && ReferenceEquals(instrument.Meter.Scope, factory))
                {
                    subscriber.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, value, _, _) => fill = value);
        listener.Start();
        while (true)
        {
            listener.RecordObservableInstruments();
            if (fill is { } value && reached(value))
            {
                return;
            }

            await Task.Delay(100);
        }
    }
}

using System.Globalization;
using Npgsql;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Observability;

/// <summary>
/// The gauges the alert rules need, on <c>/metrics</c> of the server as its own process: the
/// health verdict and the change feed's lag, which grows while PostgreSQL holds the feed back.
/// </summary>
public sealed class OperatorMetricsTests
{
    [Fact]
    public async Task Scrape_HasTheHealthGaugeOfTheStorageCheck_AndNoFeedLag()
    {
        using var directory = new TempDirectory();
        await using var server = await ServerProcess.StartAsync(directory.File("users.db"));
        using var http = new HttpClient { BaseAddress = server.HttpAddress };

        // The first health report comes a second after start.
        await UntilAsync(async () => Sample(await ScrapeAsync(http), "user_system_health_status", "check=\"storage\"") == 2).DefaultTimeout();
        await new UserService.UserServiceClient(server.Channel).CreateUserAsync(Users.NewRequest()).ResponseAsync.DefaultTimeout();
        await Task.Delay(TimeSpan.FromSeconds(5));

        Assert.Equal(0, Sample(await ScrapeAsync(http), "user_system_feed_lag_seconds"));
    }

    [Fact]
    public async Task FeedLag_GrowsWhileAnOlderTransactionHoldsTheFeedBack_AndReturnsToZero()
    {
        var postgres = await PostgresServer.GetAsync().DefaultTimeout();
        var database = await postgres.CreateDatabaseAsync();
        await using var server = await ServerProcess.StartOnPostgresAsync(database);
        using var http = new HttpClient { BaseAddress = server.HttpAddress };
        var client = new UserService.UserServiceClient(server.Channel);
        await client.CreateUserAsync(Users.NewRequest("Before")).ResponseAsync.DefaultTimeout();
        await UntilAsync(async () => Sample(await ScrapeAsync(http), "user_system_feed_lag_seconds") == 0).DefaultTimeout();

        // A transaction with an id, left open: every event committed after it waits below the horizon.
        await using var holder = new NpgsqlConnection(database);
        await holder.OpenAsync();
        await using var transaction = await holder.BeginTransactionAsync();
        await using (var xid = new NpgsqlCommand("SELECT pg_current_xact_id();", holder, transaction))
        {
            await xid.ExecuteScalarAsync();
        }

        await client.CreateUserAsync(Users.NewRequest("Held back")).ResponseAsync.DefaultTimeout();
        await UntilAsync(async () => Sample(await ScrapeAsync(http), "user_system_feed_lag_seconds") >= 2).DefaultTimeout();

        await transaction.RollbackAsync();
        await UntilAsync(async () => Sample(await ScrapeAsync(http), "user_system_feed_lag_seconds") == 0).DefaultTimeout();
    }

    private static async Task<string[]> ScrapeAsync(HttpClient http) =>
        (await http.GetStringAsync(new Uri("/metrics", UriKind.Relative)).DefaultTimeout()).Split('\n');

    // The value of the one series of the metric that has every label, or null when there is none.
    private static double? Sample(string[] lines, string metric, params string[] labels)
    {
        var series = lines.Where(line => line.StartsWith(metric + "{", StringComparison.Ordinal) || line.StartsWith(metric + " ", StringComparison.Ordinal))
            .Where(line => labels.All(label => line.Contains(label, StringComparison.Ordinal)))
            .ToArray();
        Assert.True(series.Length <= 1, $"more than one series {metric}: {string.Join(" | ", series)}");
        return series.Length == 0 ? null : double.Parse(series[0].Split(' ')[1], CultureInfo.InvariantCulture);
    }

    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        while (!await condition())
        {
            await Task.Delay(250);
        }
    }
}

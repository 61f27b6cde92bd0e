using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Grpc.Core;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Monitoring;

/// <summary>
/// Every query of the Grafana dashboard, evaluated by a real Prometheus that scrapes a real
/// server under a little load, returns data; the same query with its metric names changed
/// returns none, so a renamed metric breaks this test rather than a panel in production.
/// The alert rules load into that Prometheus without errors.
/// </summary>
public sealed partial class DashboardQueriesTests
{
    // The standby panels read metrics that only a server with standbys reports (a connection string
    // with several hosts); StandbyReadTests checks their names on the pg_auto_failover cluster.
    internal const string StandbyMetrics = "user_system_standby_";

    // What Grafana puts in place of its variables: every instance, a rate window of several scrapes.
    private static readonly Dictionary<string, string> Variables = new()
    {
        ["$instance"] = ".*",
        ["$__rate_interval"] = "10s",
        ["$__range"] = "1m",
    };

    [Fact]
    public async Task EveryDashboardQuery_ReturnsData_FromARealPrometheusScrapingARealServer()
    {
        var (queries, variableQueries) = ReadDashboard();
        Assert.True(queries.Count >= 10, $"only {queries.Count} queries found in {MonitoringFiles.Dashboard}");
        using var directory = new TempDirectory();
        await using var server = await ServerProcess.StartAsync(directory.File("users.db"));
        await using var prometheus = await PrometheusProcess.StartAsync(server.HttpAddress);
        using var stop = new CancellationTokenSource();
        var load = LoadAsync(new UserService.UserServiceClient(server.Channel), stop.Token);
        try
        {
            foreach (var (title, expression) in queries)
            {
                var query = Substitute(expression);
                // Wait for the scrapes to carry what the query reads (the first rate needs two).
                JsonArray result = [];
                var returned = await WithinAsync(TimeSpan.FromSeconds(60), async () => (result = await prometheus.QueryAsync(query)).Any(HasValue));
                Assert.True(returned, $"\"{title}\" returned no data: {query}\nlast result: {result.ToJsonString()}\nserver: {string.Join('\n', server.OutputLines.TakeLast(20))}");

                var renamed = MetricSelector().Replace(query, match => match.Groups[1].Value + "_renamed{");
                Assert.NotEqual(query, renamed);
                Assert.DoesNotContain(await prometheus.QueryAsync(renamed), HasValue);
            }

            foreach (var (name, expression) in variableQueries)
            {
                var (selector, label) = LabelValues(expression);
                var series = await prometheus.QueryAsync(selector);
                Assert.True(series.Any(item => item!["metric"]![label] is not null), $"variable {name}: {selector} has no {label} label");
            }

            var rules = await prometheus.RulesAsync();
            Assert.Equal(8, rules.Count);
            Assert.All(rules, rule => Assert.True((string?)rule["health"] is "ok" or "unknown", rule.ToJsonString()));
        }
        finally
        {
            await stop.CancelAsync();
            await load;
        }
    }

    /// <summary>The panels' queries (title, PromQL) and the query variables' definitions.</summary>
    private static (List<(string Title, string Expression)> Queries, List<(string Name, string Expression)> Variables) ReadDashboard()
    {
        var dashboard = JsonNode.Parse(File.ReadAllText(MonitoringFiles.Dashboard))!;
        var panels = dashboard["panels"]!.AsArray()
            .SelectMany(panel => new[] { panel! }.Concat(panel!["panels"]?.AsArray().Select(inner => inner!) ?? []));
        var queries = panels
            .SelectMany(panel => panel["targets"]?.AsArray().Select(target => ((string)panel["title"]!, (string)target!["expr"]!)) ?? [])
            .Where(query => !query.Item2.Contains(StandbyMetrics, StringComparison.Ordinal))
            .ToList();
        var variables = dashboard["templating"]!["list"]!.AsArray()
            .Where(variable => (string?)variable!["type"] == "query")
            .Select(variable => ((string)variable!["name"]!, (string)variable["definition"]!))
            .ToList();
        return (queries, variables);
    }

    private static string Substitute(string expression)
    {
        var query = Variables.OrderByDescending(variable => variable.Key.Length)
            .Aggregate(expression, (text, variable) => text.Replace(variable.Key, variable.Value, StringComparison.Ordinal));
        Assert.False(query.Contains('$', StringComparison.Ordinal), $"a Grafana variable this test does not know: {expression}");
        return query;
    }

    // label_values(selector, label): what Grafana asks Prometheus for the variable's choices.
    private static (string Selector, string Label) LabelValues(string definition)
    {
        var match = LabelValuesCall().Match(definition);
        Assert.True(match.Success, $"not a label_values(...) variable: {definition}");
        return (match.Groups[1].Value, match.Groups[2].Value);
    }

    // A vector with a sample that is a number (histogram_quantile of nothing is NaN, not data).
    private static bool HasValue(JsonNode? item) =>
        item?["value"]?[1] is { } value && (string?)value is { } text && text != "NaN";

    /// <summary>A little of everything: creates, reads, misses, listings, a watcher, and bursts that hit the rate limit.</summary>
    private static async Task LoadAsync(UserService.UserServiceClient client, CancellationToken stop)
    {
        using var watch = client.WatchUsers(new WatchUsersRequest(), cancellationToken: stop);
        var round = 0;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                round++;
                UserSystem.Contracts.CreateUserResponse created;
                try
                {
                    created = await client.CreateUserAsync(Users.NewRequest($"Load {round}"), cancellationToken: stop);
                    await client.GetUserAsync(new GetUserRequest { Id = created.User.Id }, cancellationToken: stop);
                    await client.ListUsersAsync(new ListUsersRequest { Limit = 5 }, cancellationToken: stop);
                }
                catch (RpcException exception) when (exception.StatusCode == StatusCode.ResourceExhausted)
                {
                    // The last burst emptied the caller's bucket: let it refill.
                    await Task.Delay(TimeSpan.FromSeconds(1), stop);
                    continue;
                }

                await Ignore(client.GetUserAsync(new GetUserRequest { Id = 999_999 }, cancellationToken: stop).ResponseAsync);
                if (round % 20 == 0)
                {
                    // Past the default burst (200) at once: some are refused with RESOURCE_EXHAUSTED.
                    await Task.WhenAll(Enumerable.Range(0, 260).Select(_ => Ignore(client.GetUserAsync(new GetUserRequest { Id = created.User.Id }, cancellationToken: stop).ResponseAsync)));
                }

                await Task.Delay(50, stop);
            }
        }
        catch (Exception exception) when (stop.IsCancellationRequested && exception is OperationCanceledException or RpcException)
        {
            // Stopped.
        }
    }

    private static async Task Ignore(Task call)
    {
        try
        {
            await call;
        }
        catch (RpcException exception) when (exception.StatusCode is StatusCode.NotFound or StatusCode.ResourceExhausted)
        {
            // Wanted: these statuses are part of the load.
        }
    }

    /// <summary>True as soon as <paramref name="condition"/> holds; false if it still does not after <paramref name="limit"/>.</summary>
    private static async Task<bool> WithinAsync(TimeSpan limit, Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(500);
        }

        return true;
    }

    [GeneratedRegex(@"([a-zA-Z_:][a-zA-Z0-9_:]*)\{")]
    private static partial Regex MetricSelector();

    [GeneratedRegex(@"^label_values\((.+),\s*(\w+)\)$")]
    private static partial Regex LabelValuesCall();
}

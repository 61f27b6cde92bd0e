using System.Globalization;

namespace UserSystem.Bench.Watch;

/// <summary>Command-line options; run.sh passes the paths, the rest have defaults.</summary>
internal sealed class WatchOptions
{
    public required string ServerDll { get; init; }
    public required string WorkDirectory { get; init; }

    /// <summary><c>sqlite</c> (default) or <c>postgres</c> (then <see cref="PostgresConnection"/> is required).</summary>
    public string Store { get; init; } = "sqlite";
    public string? PostgresConnection { get; init; }

    /// <summary><c>--watchers 1000,10000</c>: one fresh server per count.</summary>
    public IReadOnlyList<int> Watchers { get; init; } = [1_000, 10_000];

    /// <summary>Writes made while everyone watches, and the pause between them.</summary>
    public int Writes { get; init; } = 20;
    public int SpacingMilliseconds { get; init; } = 200;

    /// <summary>Watchers per caller: the server's <c>RateLimit:MaxConcurrentStreams</c> as shipped.</summary>
    public int WatchersPerCaller { get; init; } = 8;

    /// <summary>Watchers per HTTP/2 connection: Kestrel allows 100 streams on one.</summary>
    public int WatchersPerConnection { get; init; } = 100;

    /// <summary>Idle time before each memory sample, so the server's start and the watchers' opening have settled.</summary>
    public int SettleSeconds { get; init; } = 5;

    public static WatchOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"expected --name value, got '{args[i]}'");
            }

            values[args[i][2..]] = args[i + 1];
        }

        string Required(string name) => values.Remove(name, out var value) ? value : throw new ArgumentException($"--{name} is required");
        int Int(string name, int fallback) => values.Remove(name, out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

        var options = new WatchOptions
        {
            ServerDll = Required("server"),
            WorkDirectory = Required("work"),
            Store = values.Remove("store", out var store) ? store : "sqlite",
            PostgresConnection = values.Remove("postgres", out var connection) ? connection : null,
            Watchers = values.Remove("watchers", out var counts)
                ? [.. counts.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(count => int.Parse(count, CultureInfo.InvariantCulture))]
                : [1_000, 10_000],
            Writes = Int("writes", 20),
            SpacingMilliseconds = Int("spacing-ms", 200),
            SettleSeconds = Int("settle-seconds", 5),
        };
        if (values.Count > 0)
        {
            throw new ArgumentException($"unknown option --{values.Keys.First()}");
        }

        return options.Store switch
        {
            "sqlite" => options,
            "postgres" when options.PostgresConnection is not null => options,
            "postgres" => throw new ArgumentException("--store postgres needs --postgres CONNECTION"),
            _ => throw new ArgumentException($"--store must be sqlite or postgres (was '{options.Store}')"),
        };
    }
}

using System.Globalization;

namespace UserSystem.Bench.Pipeline;

/// <summary>Command-line options of the harness; run.sh passes the paths, the rest have defaults.</summary>
internal sealed class BenchOptions
{
    public required string ServerDll { get; init; }
    public required string ReferenceDll { get; init; }
    public required string WorkDirectory { get; init; }
    public string? PostgresConnection { get; init; }
    public IReadOnlyList<string> Stores { get; init; } = ["sqlite", "postgres"];
    public int Rounds { get; init; } = 3;
    public int Seconds { get; init; } = 10;
    public int WarmupSeconds { get; init; } = 20;
    public int IdleSeconds { get; init; } = 5;
    public int Users { get; init; } = 100_000;
    public int StreamCalls { get; init; } = 3;
    public int GetUserId { get; init; } = 42;

    /// <summary>
    /// A trial instead of the reference: another build of our server (<c>--candidate</c>, default
    /// the same one) with extra arguments and environment, measured the same way as ours.
    /// </summary>
    public string? CandidateDll { get; init; }
    public IReadOnlyList<string> CandidateArguments { get; init; } = [];
    public IReadOnlyDictionary<string, string> CandidateEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary><c>--workloads getuser</c>: only the warm-up and GetUser 1x50 and 4x100 (trials); default all.</summary>
    public bool GetUserOnly { get; init; }

    public bool IsTrial => CandidateDll is not null || CandidateArguments.Count > 0 || CandidateEnvironment.Count > 0;

    public static BenchOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"expected --name value, got '{args[i]}'");
            }

            values[args[i][2..]] = args[++i];
        }

        string Required(string name) => values.TryGetValue(name, out var value) ? value : throw new ArgumentException($"--{name} is required");
        int Int(string name, int fallback) => values.TryGetValue(name, out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

        var stores = values.TryGetValue("stores", out var list) ? list.Split(',', StringSplitOptions.RemoveEmptyEntries) : ["sqlite", "postgres"];
        var options = new BenchOptions
        {
            ServerDll = Required("server"),
            ReferenceDll = Required("reference"),
            WorkDirectory = Required("work"),
            PostgresConnection = values.GetValueOrDefault("postgres"),
            Stores = stores,
            Rounds = Int("rounds", 3),
            Seconds = Int("seconds", 10),
            WarmupSeconds = Int("warmup-seconds", 20),
            IdleSeconds = Int("idle-seconds", 5),
            Users = Int("users", 100_000),
            StreamCalls = Int("stream-calls", 3),
            GetUserId = Int("get-user-id", 42),
            GetUserOnly = values.GetValueOrDefault("workloads") == "getuser",
            CandidateDll = values.GetValueOrDefault("candidate"),
            CandidateArguments = values.TryGetValue("candidate-args", out var extra) ? extra.Split(' ', StringSplitOptions.RemoveEmptyEntries) : [],
            CandidateEnvironment = values.TryGetValue("candidate-env", out var environment)
                ? environment.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(pair => pair.Split('=', 2)).ToDictionary(pair => pair[0], pair => pair[1])
                : new Dictionary<string, string>(),
        };
        if (options.Stores.Contains("postgres") && options.PostgresConnection is null)
        {
            throw new ArgumentException("--postgres (a connection string) is required for the postgres store");
        }

        return options;
    }
}

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

    /// <summary><c>--workloads getuser</c>: only the warm-up and GetUser 1x50 and 4x100 (trials); default all.</summary>
    public bool GetUserOnly { get; init; }

    /// <summary>
    /// Trials instead of the reference (<c>--trial NAME=KIND:VALUE</c>, repeatable): our server
    /// again, as another build (<c>dll:PATH</c>; run.sh turns <c>ref:GIT_REF</c> into one), with
    /// extra arguments (<c>args:--Key=value ...</c>) or environment (<c>env:NAME=value ...</c>).
    /// </summary>
    public IReadOnlyList<Trial> Trials { get; init; } = [];

    public bool IsTrial => Trials.Count > 0;

    public static BenchOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var trials = new List<Trial>();
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"expected --name value, got '{args[i]}'");
            }

            if (args[i] == "--trial")
            {
                trials.Add(Trial.Parse(args[++i]));
                continue;
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
            Trials = trials,
        };
        if (options.Stores.Contains("postgres") && options.PostgresConnection is null)
        {
            throw new ArgumentException("--postgres (a connection string) is required for the postgres store");
        }

        return options;
    }
}

/// <summary>One trial: a name, and how its server differs from ours.</summary>
internal sealed record Trial(string Name, string? Dll, IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string> Environment)
{
    public static Trial Parse(string text)
    {
        var (name, spec) = Split(text, '=', "--trial NAME=KIND:VALUE");
        var (kind, value) = Split(spec, ':', "--trial NAME=KIND:VALUE");
        var words = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return kind switch
        {
            "dll" => new Trial(name, value, [], new Dictionary<string, string>()),
            "args" => new Trial(name, null, words, new Dictionary<string, string>()),
            "env" => new Trial(name, null, [], words.Select(word => Split(word, '=', "env:NAME=value")).ToDictionary(pair => pair.Key, pair => pair.Value)),
            _ => throw new ArgumentException($"--trial {text}: the kind is dll, args or env (run.sh turns ref:GIT_REF into dll:PATH)"),
        };
    }

    private static KeyValuePair<string, string> Split(string text, char separator, string expected)
    {
        var at = text.IndexOf(separator, StringComparison.Ordinal);
        return at > 0 ? new(text[..at], text[(at + 1)..]) : throw new ArgumentException($"expected {expected}, got '{text}'");
    }
}

using System.Globalization;
using Grpc.Core;

namespace UserSystem.Bench.LoadTool;

/// <summary>Which call every caller repeats.</summary>
internal enum LoadRpc
{
    CreateUser,
    GetUser,
}

/// <summary>The command line, parsed. A run is always bounded: by a duration, a call count, or both.</summary>
internal sealed class LoadOptions
{
    public const string Usage = """
        Usage: LoadTool --address URL [--address URL ...] [options]
          --rpc create|get        the call every caller repeats (default create)
          --callers N             concurrent callers, each in a closed loop (default 50)
          --duration SECONDS      measure this long (default 10 unless --count is given)
          --count N               stop after N measured calls in total
          --warmup SECONDS        calls before measuring, not counted (default 2)
          --token JWT             sent as "authorization: Bearer JWT"; repeat for several callers' tokens
          --token-file PATH       one token per line; caller i uses token i mod count
          --ids FIRST-LAST        GetUser ids, cycled per caller (default 1-100)
          --request-ids           CreateUser: send a fresh request_id with every call
          --expect CODE[,CODE]    status codes that are not failures (default OK)
          --deadline SECONDS      per-call deadline (default 30)
          --label TEXT            copied into the JSON line, for run scripts
          --insecure              https: accept any server certificate (self-signed test servers)
        Callers are spread round-robin over the addresses. The last line printed is one JSON object.
        Exit code: 0 all calls had an expected status, 1 otherwise, 2 bad command line.
        """;

    public List<Uri> Addresses { get; } = [];

    public LoadRpc Rpc { get; private set; } = LoadRpc.CreateUser;

    public int Callers { get; private set; } = 50;

    public TimeSpan? Duration { get; private set; }

    public long? Count { get; private set; }

    public TimeSpan WarmUp { get; private set; } = TimeSpan.FromSeconds(2);

    public List<string> Tokens { get; } = [];

    public int FirstId { get; private set; } = 1;

    public int LastId { get; private set; } = 100;

    public bool RequestIds { get; private set; }

    public HashSet<StatusCode> Expected { get; } = [];

    public TimeSpan Deadline { get; private set; } = TimeSpan.FromSeconds(30);

    public string Label { get; private set; } = "";

    public bool Insecure { get; private set; }

    /// <summary>Parses <paramref name="args"/>; throws <see cref="FormatException"/> naming the bad argument.</summary>
    public static LoadOptions Parse(IReadOnlyList<string> args)
    {
        var options = new LoadOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new FormatException($"{name} needs a value");
            switch (name)
            {
                case "--address": options.Addresses.Add(new Uri(Value(), UriKind.Absolute)); break;
                case "--rpc": options.Rpc = ParseRpc(Value()); break;
                case "--callers": options.Callers = Positive(name, Value()); break;
                case "--duration": options.Duration = TimeSpan.FromSeconds(Seconds(name, Value())); break;
                case "--count": options.Count = Positive(name, Value()); break;
                case "--warmup": options.WarmUp = TimeSpan.FromSeconds(Seconds(name, Value(), allowZero: true)); break;
                case "--token": options.Tokens.Add(Value()); break;
                case "--token-file": options.Tokens.AddRange(File.ReadAllLines(Value()).Select(line => line.Trim()).Where(line => line.Length > 0)); break;
                case "--ids": options.ParseIds(Value()); break;
                case "--request-ids": options.RequestIds = true; break;
                case "--expect": options.ParseExpected(Value()); break;
                case "--deadline": options.Deadline = TimeSpan.FromSeconds(Seconds(name, Value())); break;
                case "--label": options.Label = Value(); break;
                case "--insecure": options.Insecure = true; break;
                default: throw new FormatException($"unknown argument {name}");
            }
        }

        if (options.Addresses.Count == 0)
        {
            throw new FormatException("--address is required");
        }

        if (options.Duration is null && options.Count is null)
        {
            options.Duration = TimeSpan.FromSeconds(10);
        }

        if (options.Expected.Count == 0)
        {
            options.Expected.Add(StatusCode.OK);
        }

        return options;
    }

    private static LoadRpc ParseRpc(string value) => value.ToUpperInvariant() switch
    {
        "CREATE" or "CREATEUSER" => LoadRpc.CreateUser,
        "GET" or "GETUSER" => LoadRpc.GetUser,
        _ => throw new FormatException($"--rpc must be create or get, not {value}"),
    };

    private static int Positive(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
            ? number
            : throw new FormatException($"{name} must be a positive whole number, not {value}");

    private static double Seconds(string name, string value, bool allowZero = false) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && (seconds > 0 || (allowZero && seconds == 0)) && seconds < 86_400
            ? seconds
            : throw new FormatException($"{name} must be a number of seconds, not {value}");

    private void ParseIds(string value)
    {
        var parts = value.Split('-');
        if (parts.Length != 2)
        {
            throw new FormatException($"--ids must be FIRST-LAST, not {value}");
        }

        FirstId = Positive("--ids", parts[0]);
        LastId = Positive("--ids", parts[1]);
        if (LastId < FirstId)
        {
            throw new FormatException($"--ids must be FIRST-LAST with FIRST <= LAST, not {value}");
        }
    }

    private void ParseExpected(string value)
    {
        foreach (var code in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var normalized = code.Replace("_", "", StringComparison.Ordinal);
            Expected.Add(Enum.TryParse<StatusCode>(normalized, ignoreCase: true, out var status) && Enum.IsDefined(status)
                ? status
                : throw new FormatException($"--expect: unknown status code {code}"));
        }
    }
}

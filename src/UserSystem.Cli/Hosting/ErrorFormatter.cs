using System.Text;
using System.Text.RegularExpressions;
using Google.Rpc;
using Grpc.Core;

namespace UserSystem.Cli.Hosting;

/// <summary>Turns a failed call into the one line the user reads: status, message, field violations.</summary>
public static partial class ErrorFormatter
{
    public static string Format(RpcException exception, IReadOnlyList<Uri> addresses)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var line = new StringBuilder("error: ").Append(StatusName(exception.StatusCode));
        // A client-side deadline comes with no detail; "DEADLINE_EXCEEDED: " with nothing after it reads like a cut-off line.
        if (exception.Status.Detail.Length > 0)
        {
            line.Append(": ").Append(exception.Status.Detail);
        }

        var violations = exception.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations;
        // The server's message may already spell out every violation; list them only when it does not.
        if (violations is { Count: > 0 } && !violations.All(violation => exception.Status.Detail.Contains(violation.Description, StringComparison.Ordinal)))
        {
            line.Append(" (").AppendJoin("; ", violations.Select(violation => $"{violation.Field}: {violation.Description}")).Append(')');
        }

        if (exception.StatusCode == Grpc.Core.StatusCode.Unavailable)
        {
            line.Append(" [is the server running at ").AppendJoin(", ", addresses).Append("?]");
        }

        // The message can quote what a caller sent; never let it drive the terminal.
        return Output.TerminalText.Neutralize(line.ToString());
    }

    /// <summary>The canonical name (NOT_FOUND), as gRPC documentation and other languages print it.</summary>
    public static string StatusName(Grpc.Core.StatusCode code) =>
        code == Grpc.Core.StatusCode.OK ? "OK" : WordBoundary().Replace(code.ToString(), "_$1").ToUpperInvariant();

    [GeneratedRegex("(?<=[a-z])([A-Z])", RegexOptions.CultureInvariant)]
    private static partial Regex WordBoundary();
}

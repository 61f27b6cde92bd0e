using System.Text;
using System.Text.RegularExpressions;
using Google.Rpc;
using Grpc.Core;

namespace UserSystem.Cli.Hosting;

/// <summary>Turns a failed call into the one line the user reads: status, message, field violations.</summary>
public static partial class ErrorFormatter
{
    private const string HowToGiveAToken =
        "Give one with --token TOKEN, the USERS_TOKEN environment variable, or 'users login --token TOKEN' (a development token: scripts/dev-token.sh --subject NAME --role admin).";

    /// <param name="exception">The failed call.</param>
    /// <param name="addresses">The server addresses the call went to.</param>
    /// <param name="tokenSent">Whether the call carried a token: a refusal then means a different thing.</param>
    public static string Format(RpcException exception, IReadOnlyList<Uri> addresses, bool tokenSent = false)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var line = new StringBuilder("error: ").Append(StatusName(exception.StatusCode));
        var detail = Explain(exception, tokenSent);
        // A client-side deadline comes with no detail; "DEADLINE_EXCEEDED: " with nothing after it reads like a cut-off line.
        if (detail.Length > 0)
        {
            line.Append(": ").Append(detail);
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

    // Authentication and authorization refusals come from the server's HTTP layer as a bare 401 or
    // 403, which the gRPC client reports as "Bad gRPC response. HTTP status code: 401": say what
    // was missing or refused, and how to give a token.
    private static string Explain(RpcException exception, bool tokenSent)
    {
        var detail = exception.Status.Detail;
        var bare = detail.Length == 0 || detail.StartsWith("Bad gRPC response", StringComparison.Ordinal);
        return exception.StatusCode switch
        {
            Grpc.Core.StatusCode.Unauthenticated when !tokenSent => "This server needs a token and none was given. " + HowToGiveAToken,
            Grpc.Core.StatusCode.Unauthenticated when bare =>
                "The server refused the token (expired, not yet valid, or signed for another server). Get a new one. " + HowToGiveAToken,
            Grpc.Core.StatusCode.Unauthenticated => $"{detail.TrimEnd('.')}. Get a new token. {HowToGiveAToken}",
            Grpc.Core.StatusCode.PermissionDenied when bare =>
                "The token was accepted, but its caller may not make this call: it needs the admin role (a user without it may only get and update their own user). 'users config' shows the token's roles.",
            _ => detail,
        };
    }

    /// <summary>The canonical name (NOT_FOUND), as gRPC documentation and other languages print it.</summary>
    public static string StatusName(Grpc.Core.StatusCode code) =>
        code == Grpc.Core.StatusCode.OK ? "OK" : WordBoundary().Replace(code.ToString(), "_$1").ToUpperInvariant();

    [GeneratedRegex("(?<=[a-z])([A-Z])", RegexOptions.CultureInvariant)]
    private static partial Regex WordBoundary();
}

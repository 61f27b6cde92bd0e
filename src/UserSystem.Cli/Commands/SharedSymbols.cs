using System.CommandLine;

namespace UserSystem.Cli.Commands;

/// <summary>
/// The argument and option that several commands take, defined once so their name, type and help
/// read the same everywhere. Each call makes a new symbol: a command owns the symbols it adds, and
/// the --etag help says what that command does with it.
/// </summary>
internal static class SharedSymbols
{
    /// <summary>The user a command acts on (get, update, suspend, activate, delete).</summary>
    public static Argument<int> UserId() => new("id") { Description = "The user's id" };

    /// <summary>
    /// --etag: act only if nobody changed the user since it was read; a stale etag is ABORTED, exit 5.
    /// <paramref name="action"/> starts the help ("Delete", "Change"), <paramref name="note"/> ends it.
    /// </summary>
    public static Option<string> Etag(string action, string? note = null) =>
        new("--etag") { Description = $"{action} only if this is still the user's etag (else exit 5){note}" };

    /// <summary>The etag given, or "" (no condition), as the request's etag field takes it.</summary>
    public static string GetEtag(this ParseResult parse, Option<string> etag)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return parse.GetValue(etag) ?? string.Empty;
    }
}

using System.Globalization;

namespace UserSystem.Server.Rpc;

/// <summary>
/// The contract's <c>etag</c> for a user version (AIP-154). Opaque to clients: "v" and the
/// version number, so it is never mistaken for an id.
/// </summary>
public static class Etags
{
    public static string For(long version) => "v" + version.ToString(CultureInfo.InvariantCulture);

    /// <summary>The version an etag stands for; null when none was sent. A malformed etag matches no version.</summary>
    public static long? ExpectedVersion(string etag) =>
        etag.Length == 0 ? null
        : etag.StartsWith('v') && long.TryParse(etag.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version
        : -1;
}

using System.Globalization;
using System.Text;
using System.Text.Json;

namespace UserSystem.Cli.Hosting;

/// <summary>
/// What a JWT says about its bearer, read from its payload for display only (the server checks
/// the signature; the CLI never trusts these values for anything).
/// </summary>
public sealed record TokenSummary(string? Subject, IReadOnlyList<string> Roles, DateTimeOffset? ExpiresAt)
{
    /// <summary>The summary of <paramref name="token"/>, or null when it is not a readable JWT.</summary>
    public static TokenSummary? Read(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }

        try
        {
            var payload = parts[1].Replace('-', '+').Replace('_', '/');
            payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
            using var document = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload)));
            var claims = document.RootElement;
            var subject = claims.TryGetProperty("sub", out var sub) && sub.ValueKind == JsonValueKind.String ? sub.GetString() : null;
            var roles = claims.TryGetProperty("role", out var role)
                ? role.ValueKind == JsonValueKind.Array ? [.. role.EnumerateArray().Select(item => item.ToString())] : new[] { role.ToString() }
                : [];
            DateTimeOffset? expires = claims.TryGetProperty("exp", out var exp) && exp.TryGetInt64(out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;
            return new TokenSummary(subject, roles, expires);
        }
        catch (Exception exception) when (exception is FormatException or JsonException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>"alice (admin), expires 2026-12-07 15:50 UTC (in 59 min)".</summary>
    public string Describe(DateTimeOffset now)
    {
        var who = Subject ?? "a token without a subject";
        var roles = Roles.Count > 0 ? $" ({string.Join(", ", Roles)})" : string.Empty;
        var expiry = ExpiresAt switch
        {
            null => ", no expiry",
            { } at when at <= now => $", EXPIRED at {at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC",
            { } at => $", expires {at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC (in {Math.Ceiling((at - now).TotalMinutes).ToString(CultureInfo.InvariantCulture)} min)",
        };
        return who + roles + expiry;
    }
}

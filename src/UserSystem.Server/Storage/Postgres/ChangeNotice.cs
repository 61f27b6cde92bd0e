using System.Globalization;
using System.Text;

namespace UserSystem.Server.Storage.Postgres;

/// <summary>
/// What one round of notifications announces: the users changed by the commits since the last
/// round, or "everything" when there were too many to name. As payloads of
/// <c>pg_notify('user_events', ...)</c>: <c>""</c> (a wake-up only: creates), <c>"17,42"</c>
/// (ids in decimal), <c>"*"</c> (everything); each payload stays under PostgreSQL's 8000 bytes,
/// so a long list becomes several notifications sent in one statement.
/// </summary>
internal sealed record ChangeNotice(IReadOnlyList<int> UserIds, bool Everything)
{
    /// <summary>PostgreSQL refuses a payload of 8000 bytes or more.</summary>
    public const int MaxPayloadBytes = 7999;

    public const string EverythingPayload = "*";

    public static readonly ChangeNotice None = new([], false);

    public static readonly ChangeNotice All = new([], true);

    /// <summary>The payloads that announce this notice: at least one, so watchers are woken even by creates alone.</summary>
    public IReadOnlyList<string> ToPayloads()
    {
        if (Everything)
        {
            return [EverythingPayload];
        }

        var payloads = new List<string>();
        var payload = new StringBuilder(MaxPayloadBytes);
        foreach (var id in UserIds)
        {
            var text = id.ToString(CultureInfo.InvariantCulture);
            if (payload.Length > 0 && payload.Length + 1 + text.Length > MaxPayloadBytes)
            {
                payloads.Add(payload.ToString());
                payload.Clear();
            }

            if (payload.Length > 0)
            {
                payload.Append(',');
            }

            payload.Append(text);
        }

        payloads.Add(payload.ToString());
        return payloads;
    }

    /// <summary>Reads a payload; one this server did not write (another program on the channel) means everything.</summary>
    public static ChangeNotice Parse(string payload)
    {
        if (payload.Length == 0)
        {
            return None;
        }

        var ids = new List<int>();
        foreach (var range in payload.AsSpan().Split(','))
        {
            if (!int.TryParse(payload.AsSpan()[range], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                return All;
            }

            ids.Add(id);
        }

        return new ChangeNotice(ids, false);
    }
}

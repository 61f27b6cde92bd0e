using System.Globalization;
using UserSystem.Contracts;

namespace UserSystem.Cli.Output;

/// <summary>
/// How change events look in `watch`: one plain line each, since they arrive one at a time, in
/// columns that stay aligned: the id column is as wide as the widest id seen so far (PostgreSQL's
/// ids are long), and the actor is cut to its column.
/// </summary>
public sealed class EventOutput
{
    private const int ActorWidth = 16;
    private int _idWidth = 5;

    public string Line(UserEvent userEvent)
    {
        ArgumentNullException.ThrowIfNull(userEvent);
        var id = userEvent.EventId.ToString(CultureInfo.InvariantCulture);
        _idWidth = Math.Max(_idWidth, id.Length);
        var time = userEvent.EventTime?.ToDateTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) ?? "-";
        var user = userEvent.User is { } changed ? UserOutput.Line(changed).TrimStart() : userEvent.UserId.ToString(CultureInfo.InvariantCulture);
        var actor = TerminalText.Fit(TerminalText.Neutralize(userEvent.Actor), ActorWidth);
        return string.Create(CultureInfo.InvariantCulture, $"#{id.PadRight(_idWidth)} {time}  {KindName(userEvent.Kind),-14} by {actor,-ActorWidth} {user}").TrimEnd();
    }

    /// <summary>The proto enum value's name without its USER_EVENT_KIND_ prefix, as the JSON output spells it.</summary>
    public static string KindName(UserEventKind kind) => kind switch
    {
        UserEventKind.Created => "CREATED",
        UserEventKind.Updated => "UPDATED",
        UserEventKind.StatusChanged => "STATUS_CHANGED",
        UserEventKind.Deleted => "DELETED",
        _ => "UNSPECIFIED",
    };
}

using System.Globalization;
using UserSystem.Contracts;

namespace UserSystem.Cli.Output;

/// <summary>How change events look in `watch`: one plain line each, since they arrive one at a time.</summary>
public static class EventOutput
{
    public static string Line(UserEvent userEvent)
    {
        ArgumentNullException.ThrowIfNull(userEvent);
        var time = userEvent.EventTime?.ToDateTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) ?? "-";
        var user = userEvent.User is { } changed ? UserOutput.Line(changed).TrimStart() : userEvent.UserId.ToString(CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture, $"#{userEvent.EventId,-5} {time}  {KindName(userEvent.Kind),-14} by {TerminalText.Neutralize(userEvent.Actor),-12} {user}").TrimEnd();
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

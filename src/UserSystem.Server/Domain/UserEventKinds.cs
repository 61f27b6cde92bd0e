namespace UserSystem.Server.Domain;

/// <summary>The stored names of <see cref="UserEventKind"/>: readable in the table, stable across releases.</summary>
public static class UserEventKinds
{
    public static string Name(UserEventKind kind) => kind switch
    {
        UserEventKind.Created => "created",
        UserEventKind.Updated => "updated",
        UserEventKind.StatusChanged => "status_changed",
        UserEventKind.Deleted => "deleted",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static UserEventKind Parse(string name) => name switch
    {
        "created" => UserEventKind.Created,
        "updated" => UserEventKind.Updated,
        "status_changed" => UserEventKind.StatusChanged,
        "deleted" => UserEventKind.Deleted,
        _ => throw new InvalidOperationException($"Unknown event kind '{name}' in the events table."),
    };
}

using System.Data.Common;
using UserSystem.Server.Domain;

namespace UserSystem.Server.Storage;

/// <summary>
/// Reading and waiting on the <c>user_events</c> table, alike on both engines. What differs is
/// given in: which events are final yet (<c>eventsSql</c>: PostgreSQL reads below its
/// transaction-id horizon, SQLite's single writer makes every committed event final), and what
/// wakes a waiter (a <see cref="ChangeSignal"/> pulsed after local commits, and on PostgreSQL
/// other instances' notifications).
/// </summary>
internal static class UserEventLog
{
    public const string PrunedThroughSql = "SELECT pruned_through FROM event_history;";

    private const string FindCreationSql =
        $"SELECT {UserRowReader.EventColumns} FROM user_events WHERE user_id = @id AND kind = @kind ORDER BY sequence LIMIT 1;";

    /// <summary><see cref="IUserStore.ReadEventsAsync"/>: <paramref name="eventsSql"/> takes <c>@after</c> and <c>@limit</c>.</summary>
    public static async Task<IReadOnlyList<UserEvent>> ReadAsync(
        DbConnection connection, string eventsSql, UserRowReader rows, long afterSequence, int limit, CancellationToken cancellationToken)
    {
        // One round trip, two statements. The watermark comes after the events, never before: its
        // snapshot sees any prune that removed some (see EventPruning.ThrowIfPruned).
        await using var command = connection.CreateCommand(eventsSql + "\n" + PrunedThroughSql);
        command.AddParameter("@after", afterSequence);
        command.AddParameter("@limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var events = await rows.ReadEventsAsync(reader, cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        EventPruning.ThrowIfPruned(afterSequence, reader.GetInt64(0));
        return events;
    }

    /// <summary>The user's CREATED event, or null (an unknown id, or retention has dropped it).</summary>
    public static async Task<UserEvent?> FindCreationAsync(DbConnection connection, UserRowReader rows, int userId, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand(FindCreationSql);
        command.AddParameter("@id", userId);
        command.AddParameter("@kind", UserEventKinds.Name(UserEventKind.Created));
        var found = await rows.ReadEventsAsync(command, cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    /// <summary>
    /// <see cref="IUserStore.WaitForEventsAsync"/>. <paramref name="next"/> is taken before
    /// <paramref name="check"/> looks at the table, so a commit between the look and the wait is
    /// never missed. <paramref name="check"/> returns null when there are events to read now,
    /// else how long to wait for a wake-up (the caller's <c>maxWait</c>, or less).
    /// </summary>
    public static async Task WaitAsync(
        Task next, Func<CancellationToken, Task<TimeSpan?>> check, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await check(cancellationToken) is not { } wait)
        {
            return;
        }

        try
        {
            await next.WaitAsync(wait, time, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Time to re-read anyway.
        }
    }
}

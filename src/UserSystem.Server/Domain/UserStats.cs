namespace UserSystem.Server.Domain;

/// <summary>
/// User counts read from one snapshot: by status, by UTC creation day (only days that have
/// users, in day order), and the newest event's sequence at that moment (0 when there is none).
/// </summary>
public sealed record UserStats(IReadOnlyDictionary<AccountStatus, long> CountsByStatus, IReadOnlyList<DailyCount> CreatedPerDay, long LatestEventSequence)
{
    public long Total => CountsByStatus.Values.Sum();
}

/// <summary>How many stored users were created on one UTC day.</summary>
public readonly record struct DailyCount(DateOnly Day, long Count);

namespace UserSystem.Server.Consistency;

/// <summary>Where a call's reads may be served.</summary>
public enum ReadPreference
{
    /// <summary>The primary: writes, the change feed, and every read not listed below.</summary>
    Primary,

    /// <summary>A standby once it has replayed the call's token, else the primary after a bounded wait.</summary>
    StandbyAtToken,

    /// <summary>A standby at most <c>Storage:StandbyReads:MaxStalenessMilliseconds</c> behind (operator opt-in), else the primary.</summary>
    StandbyWithinStaleness,
}

namespace UserSystem.Server.Consistency;

/// <summary>What the storage engine tells the consistency interceptor about the database.</summary>
public interface IConsistencySource
{
    /// <summary>The database cluster's identity, known once the store is initialized (null before).</summary>
    ulong? SystemId { get; }

    /// <summary>Whether reads can go anywhere but the primary (a connection string with several hosts).</summary>
    bool HasStandbys { get; }
}

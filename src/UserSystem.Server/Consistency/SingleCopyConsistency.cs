namespace UserSystem.Server.Consistency;

/// <summary>
/// SQLite: one copy of the data, so every read sees every acknowledged write. Tokens carry
/// identity 0 and no position; they are accepted and answered, and change nothing.
/// </summary>
public sealed class SingleCopyConsistency : IConsistencySource
{
    public ulong? SystemId => 0;

    public bool HasStandbys => false;
}

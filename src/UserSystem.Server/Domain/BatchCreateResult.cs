namespace UserSystem.Server.Domain;

/// <summary>An inclusive range of ids.</summary>
public readonly record struct IdRange(int First, int Last);

/// <summary>What a committed batch stored: a count and the ids in item order, as ranges.</summary>
public sealed record BatchCreateResult(int Count, IReadOnlyList<IdRange> Ids);

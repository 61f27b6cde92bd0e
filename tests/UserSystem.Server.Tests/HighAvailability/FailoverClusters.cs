namespace UserSystem.Server.Tests.HighAvailability;

/// <summary>
/// The test classes that run a pg_auto_failover cluster, one after the other: a cluster and its
/// faults take most of the two cores, and timings of one would suffer from the other.
/// </summary>
[CollectionDefinition(nameof(FailoverClusters), DisableParallelization = true)]
public sealed class FailoverClusters;

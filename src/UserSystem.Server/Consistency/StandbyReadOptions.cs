using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace UserSystem.Server.Consistency;

/// <summary>
/// The <c>Storage:StandbyReads</c> section: reads from PostgreSQL standbys, when
/// <c>ConnectionStrings:Postgres</c> lists several hosts. Ignored with one host and on SQLite.
/// </summary>
public sealed class StandbyReadOptions
{
    public const string SectionName = "Storage:StandbyReads";

    /// <summary>
    /// How long a read with a consistency token waits for a standby to replay up to the token
    /// before it reads from the primary instead. 0 never waits: a standby behind the token is skipped at once.
    /// </summary>
    [Range(0, 10_000)]
    public int ReplayWaitMilliseconds { get; set; } = 100;

    /// <summary>
    /// Opt-in for reads without a token (ListUsers, StreamUsers, GetUserStats): served by a standby
    /// whose replay is at most this far behind. 0 (the default) sends them to the primary.
    /// </summary>
    [Range(0, 3_600_000)]
    public int MaxStalenessMilliseconds { get; set; }

    public TimeSpan ReplayWait => TimeSpan.FromMilliseconds(ReplayWaitMilliseconds);

    public TimeSpan MaxStaleness => TimeSpan.FromMilliseconds(MaxStalenessMilliseconds);
}

/// <summary>The <c>Storage:StandbyReads</c> section's annotations, checked by generated code.</summary>
[OptionsValidator]
public sealed partial class StandbyReadOptionsAnnotationsValidator : IValidateOptions<StandbyReadOptions>;

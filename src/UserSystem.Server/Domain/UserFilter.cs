using UserSystem.Validation;

namespace UserSystem.Server.Domain;

/// <summary>Which users a listing returns; null parts match everyone.</summary>
/// <param name="Status">Only users with this status.</param>
/// <param name="EmailPrefix">Matched regardless of case, like emails themselves.</param>
/// <param name="NamePrefix">Matched exactly (case-sensitive).</param>
public sealed record UserFilter(AccountStatus? Status = null, string? EmailPrefix = null, string? NamePrefix = null)
{
    public static readonly UserFilter None = new();

    public string? EmailKeyPrefix => EmailPrefix is null ? null : EmailKeys.For(EmailPrefix);
}

namespace UserSystem.Server.Domain;

/// <summary>A stored user. <see cref="Version"/> starts at 1 and grows with every change (the etag).</summary>
public sealed record UserAccount(
    int Id,
    string Name,
    string Email,
    int Age,
    IReadOnlyList<string> Hobbies,
    AccountStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version = 1)
{
    /// <summary>
    /// Whether <paramref name="other"/> has the same user-settable fields (exactly, email case
    /// included). A change that leaves them all equal is no change: no event, same etag.
    /// </summary>
    public bool HasSameFieldsAs(UserAccount other) =>
        string.Equals(Name, other.Name, StringComparison.Ordinal)
        && string.Equals(Email, other.Email, StringComparison.Ordinal)
        && Age == other.Age
        && Status == other.Status
        && Hobbies.SequenceEqual(other.Hobbies, StringComparer.Ordinal);
}

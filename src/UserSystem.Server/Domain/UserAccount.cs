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
    long Version = 1);

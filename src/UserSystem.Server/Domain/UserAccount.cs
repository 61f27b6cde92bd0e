namespace UserSystem.Server.Domain;

/// <summary>A stored user.</summary>
public sealed record UserAccount(
    int Id,
    string Name,
    string Email,
    int Age,
    IReadOnlyList<string> Hobbies,
    AccountStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

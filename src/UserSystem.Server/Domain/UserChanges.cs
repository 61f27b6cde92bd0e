using UserSystem.Validation;

namespace UserSystem.Server.Domain;

/// <summary>The fields an update sets; null leaves a field as it is. Already normalized and valid.</summary>
public sealed record UserChanges(string? Name = null, string? Email = null, int? Age = null, IReadOnlyList<string>? Hobbies = null)
{
    public string? EmailKey => Email is null ? null : EmailKeys.For(Email);

    /// <summary>The user with these fields set (version and times untouched).</summary>
    public UserAccount ApplyTo(UserAccount user) => user with
    {
        Name = Name ?? user.Name,
        Email = Email ?? user.Email,
        Age = Age ?? user.Age,
        Hobbies = Hobbies ?? user.Hobbies,
    };
}

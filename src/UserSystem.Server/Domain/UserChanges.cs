using UserSystem.Validation;

namespace UserSystem.Server.Domain;

/// <summary>The fields an update sets; null leaves a field as it is. Already normalized and valid.</summary>
public sealed record UserChanges(string? Name = null, string? Email = null, int? Age = null, IReadOnlyList<string>? Hobbies = null)
{
    public string? EmailKey => Email is null ? null : EmailKeys.For(Email);
}

namespace UserSystem.Server.Domain;

/// <summary>A user to create, already normalized (trimmed) by the mapper.</summary>
public sealed record NewUser(string Name, string Email, int Age, IReadOnlyList<string> Hobbies)
{
    /// <summary>The uniqueness key for the email: emails are unique case-insensitively.</summary>
    public string EmailKey => EmailKeys.For(Email);
}

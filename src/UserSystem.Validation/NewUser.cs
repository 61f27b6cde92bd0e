namespace UserSystem.Validation;

/// <summary>A user to create, normalized (trimmed); <see cref="NewUserValidator"/> says whether it is valid.</summary>
public sealed record NewUser(string Name, string Email, int Age, IReadOnlyList<string> Hobbies)
{
    /// <summary>The user as the server stores it: name, email and each hobby trimmed.</summary>
    public static NewUser Normalized(string name, string email, int age, IEnumerable<string> hobbies) =>
        new(name.Trim(), email.Trim(), age, hobbies.Select(hobby => hobby.Trim()).ToArray());

    /// <summary>The uniqueness key for the email: emails are unique case-insensitively.</summary>
    public string EmailKey => EmailKeys.For(Email);
}

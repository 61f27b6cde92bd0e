using UserSystem.Contracts;

namespace UserSystem.Testing;

/// <summary>Valid requests with unique emails, so tests never collide with each other.</summary>
public static class Users
{
    public static CreateUserRequest NewRequest(string? name = null, string? email = null, int age = 30, params string[] hobbies) => new()
    {
        Name = name ?? "Test User",
        Email = email ?? UniqueEmail(),
        Age = age,
        Hobbies = { hobbies },
    };

    public static string UniqueEmail(string prefix = "user") => $"{prefix}-{Guid.NewGuid():N}@example.com";
}

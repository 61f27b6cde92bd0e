namespace UserSystem.Validation;

/// <summary>The limits every user must satisfy; documented in proto/user.proto and the README.</summary>
public static class UserLimits
{
    public const int MaxNameLength = 100;
    public const int MaxEmailLength = 254;
    public const int MaxEmailLocalPartLength = 64;
    public const int MinAge = 0;
    public const int MaxAge = 150;
    public const int MaxHobbies = 20;
    public const int MaxHobbyLength = 50;
}

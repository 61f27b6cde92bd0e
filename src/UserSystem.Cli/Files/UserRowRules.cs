using UserSystem.Validation;

namespace UserSystem.Cli.Files;

/// <summary>
/// Checks a row against the server's own rules (the shared <see cref="NewUserValidator"/>) before
/// an import sends anything, so every bad row is reported at once with its line number.
/// </summary>
public static class UserRowRules
{
    public static IEnumerable<string> Check(UserRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var user = NewUser.Normalized(row.Name, row.Email, row.Age, row.Hobbies);
        return NewUserValidator.Validate(user).Select(violation => $"{violation.Field}: {violation.Description}");
    }
}

using System.Text.RegularExpressions;

namespace UserSystem.Cli.Files;

/// <summary>
/// The server's rules for a new user (README "Validation"), checked before an import sends
/// anything so every bad row is reported at once with its line number. The server stays the
/// authority: it checks again and rejects the whole batch if a rule here has drifted.
/// </summary>
public static partial class UserRowRules
{
    public const int MaxNameLength = 100;
    public const int MaxEmailLength = 254;
    public const int MaxAge = 150;
    public const int MaxHobbies = 20;
    public const int MaxHobbyLength = 50;

    public static IEnumerable<string> Check(UserRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var nameLength = row.Name.EnumerateRunes().Count();
        if (nameLength == 0)
        {
            yield return "name: is required";
        }
        else if (nameLength > MaxNameLength)
        {
            yield return $"name: must be at most {MaxNameLength} characters";
        }
        else if (row.Name.Any(char.IsControl))
        {
            yield return "name: must not contain control characters";
        }

        if (row.Email.Length == 0)
        {
            yield return "email: is required";
        }
        else if (row.Email.Length > MaxEmailLength || !EmailSyntax().IsMatch(row.Email))
        {
            yield return $"email: '{row.Email}' is not a valid email address";
        }

        if (row.Age is < 0 or > MaxAge)
        {
            yield return $"age: must be between 0 and {MaxAge}";
        }

        if (row.Hobbies.Count > MaxHobbies)
        {
            yield return $"hobbies: must have at most {MaxHobbies} entries";
        }
        else if (row.Hobbies.Any(hobby => hobby.EnumerateRunes().Count() is 0 or > MaxHobbyLength))
        {
            yield return $"hobbies: each must be 1-{MaxHobbyLength} characters";
        }
    }

    // The server's syntax: a local part (at most 64 characters), one @, a dotted domain.
    [GeneratedRegex(@"^[^@\s\p{C}]{1,64}@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+[\p{L}\p{N}]{2,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex EmailSyntax();
}

using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace UserSystem.Validation;

/// <summary>Checks a new user against <see cref="UserLimits"/>; a pure function of its input.</summary>
public static partial class NewUserValidator
{
    public static IReadOnlyList<FieldViolation> Validate(NewUser user)
    {
        var violations = new List<FieldViolation>();
        ValidateName(user.Name, violations);
        ValidateEmail(user.Email, violations);
        if (user.Age is < UserLimits.MinAge or > UserLimits.MaxAge)
        {
            violations.Add(new("age", $"must be between {UserLimits.MinAge} and {UserLimits.MaxAge}"));
        }

        ValidateHobbies(user.Hobbies, violations);
        return violations;
    }

    private static void ValidateName(string name, List<FieldViolation> violations)
    {
        var length = CountCharacters(name);
        if (length == 0)
        {
            violations.Add(new("name", "is required"));
        }
        else if (length > UserLimits.MaxNameLength)
        {
            violations.Add(new("name", $"must be at most {UserLimits.MaxNameLength} characters"));
        }
        else if (HasControlOrFormat(name))
        {
            violations.Add(new("name", ControlOrFormatMessage));
        }
    }

    private static void ValidateEmail(string email, List<FieldViolation> violations)
    {
        if (email.Length == 0)
        {
            violations.Add(new("email", "is required"));
        }
        else if (email.Length > UserLimits.MaxEmailLength)
        {
            violations.Add(new("email", $"must be at most {UserLimits.MaxEmailLength} characters"));
        }
        else if (!EmailKeys.IsAscii(email))
        {
            violations.Add(new("email", "must be ASCII (write an internationalized domain in its xn-- form): other Unicode forms of an address cannot be told apart reliably"));
        }
        else if (!EmailSyntax().IsMatch(email) || email.IndexOf('@', StringComparison.Ordinal) > UserLimits.MaxEmailLocalPartLength)
        {
            violations.Add(new("email", "is not a valid email address"));
        }
    }

    private static void ValidateHobbies(IReadOnlyList<string> hobbies, List<FieldViolation> violations)
    {
        if (hobbies.Count > UserLimits.MaxHobbies)
        {
            violations.Add(new("hobbies", $"must have at most {UserLimits.MaxHobbies} entries"));
            return;
        }

        for (var i = 0; i < hobbies.Count; i++)
        {
            var length = CountCharacters(hobbies[i]);
            if (length is 0 or > UserLimits.MaxHobbyLength)
            {
                violations.Add(new($"hobbies[{i}]", $"must be 1-{UserLimits.MaxHobbyLength} characters"));
            }
            else if (HasControlOrFormat(hobbies[i]))
            {
                violations.Add(new($"hobbies[{i}]", ControlOrFormatMessage));
            }
        }
    }

    private const string ControlOrFormatMessage = "must not contain control or format characters (Unicode Cc or Cf, e.g. NUL, ESC, bidi overrides, zero-width characters)";

    /// <summary>
    /// Control (Cc) and format (Cf) characters: terminal escapes, NUL, bidi overrides (U+202E),
    /// zero-width joiners. Refused in what other people's screens, terminals and spreadsheets show.
    /// </summary>
    public static bool HasControlOrFormat(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        foreach (var rune in value.EnumerateRunes())
        {
            if (Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format)
            {
                return true;
            }
        }

        return false;
    }

    // Limits count Unicode scalar values, so a name in any script gets the same allowance.
    private static int CountCharacters(string value) => value.EnumerateRunes().Count();

    // Deliberately simple (RFC 5322 in full accepts far more than people type):
    // a local part, one @, and a dotted domain of letters, digits and hyphens.
    [GeneratedRegex(@"^[^@\s\p{C}]+@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+[\p{L}\p{N}]{2,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex EmailSyntax();
}

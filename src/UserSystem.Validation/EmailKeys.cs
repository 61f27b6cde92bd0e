namespace UserSystem.Validation;

/// <summary>Derives the key that makes emails unique regardless of case.</summary>
public static class EmailKeys
{
    public static string For(string email) => email.Trim().ToUpperInvariant();
}

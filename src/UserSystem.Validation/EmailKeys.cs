using System.Text;

namespace UserSystem.Validation;

/// <summary>
/// The one canonical form of an email, used both for uniqueness (the stored email key) and for
/// binding a token's verified email to a user: trimmed, Unicode NFKC (so decomposed "é" and the
/// precomposed one, or full-width "ａ" and "a", are the same address), then upper-cased with the
/// invariant culture's simple case mapping (case-insensitive, locale-independent), then NFKC
/// again so the result is stable. ASCII addresses get the same key as before this form existed.
/// </summary>
public static class EmailKeys
{
    public static string For(string email)
    {
        ArgumentNullException.ThrowIfNull(email);
        var trimmed = email.Trim();
        try
        {
            return trimmed.Normalize(NormalizationForm.FormKC).ToUpperInvariant().Normalize(NormalizationForm.FormKC);
        }
        catch (ArgumentException)
        {
            // Ill-formed UTF-16 (a lone surrogate) cannot be normalized; validation refuses such
            // emails, and as a key it simply matches nothing valid.
            return trimmed.ToUpperInvariant();
        }
    }
}

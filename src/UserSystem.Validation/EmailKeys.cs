namespace UserSystem.Validation;

/// <summary>
/// The one canonical form of an email, used both for uniqueness (the stored email key) and for
/// binding a token's verified email to a user: the address trimmed and upper-cased (ASCII case
/// folding; culture-independent). It is sound because only ASCII addresses are valid
/// (<see cref="IsAscii"/>): Unicode has several spellings of the same text (decomposed "e" +
/// U+0301 next to "é", full-width "ａ" next to "a") and lookalikes from other scripts, and the
/// server, which runs without ICU (invariant globalization), cannot normalize them. So such
/// forms are refused at registration and never bind a token; an internationalized domain is
/// written in its ASCII <c>xn--</c> form.
/// </summary>
public static class EmailKeys
{
    public static string For(string email)
    {
        ArgumentNullException.ThrowIfNull(email);
        return email.Trim().ToUpperInvariant();
    }

    /// <summary>Whether the address is in the only form the server accepts and binds: printable ASCII.</summary>
    public static bool IsAscii(string email)
    {
        ArgumentNullException.ThrowIfNull(email);
        return email.All(c => c is > ' ' and < '\u007f');
    }
}

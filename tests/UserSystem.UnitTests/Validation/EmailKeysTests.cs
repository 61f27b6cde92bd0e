using System.Globalization;
using System.Text;
using UserSystem.Server.Security;
using UserSystem.Validation;

namespace UserSystem.UnitTests.Validation;

/// <summary>
/// The one canonical form of an email (issue 12, item 1): ASCII only, trimmed, upper-cased. Other
/// spellings of an address are refused at registration and never bind a token.
/// </summary>
public sealed class EmailKeysTests
{
    private static readonly HashSet<string> NoRoles = [];

    public static TheoryData<string> OtherSpellings => new()
    {
        "cafe\u0301@example.com", // decomposed é
        "caf\u00e9@example.com", // precomposed é
        "\uFF41da@example.com", // full-width a: ada@ under NFKC
        "\u0430da@example.com", // Cyrillic a: looks like ada@
        "ada@b\u00fccher.example", // an internationalized domain not in its xn-- form
        "\u212Ada@example.com", // KELVIN SIGN: lower-cases to an ASCII k
    };

    [Fact]
    public void For_TrimsAndFoldsAsciiCase()
    {
        Assert.Equal("ADA@EXAMPLE.COM", EmailKeys.For("  Ada@Example.com "));
        Assert.Equal(EmailKeys.For("ada@example.com"), EmailKeys.For("ADA@EXAMPLE.COM"));
    }

    [Theory]
    [MemberData(nameof(OtherSpellings))]
    public void NonAsciiSpelling_IsNotInTheCanonicalForm_AndTheValidatorRefusesItNamingEmail(string email)
    {
        Assert.False(EmailKeys.IsAscii(email));
        var violation = Assert.Single(NewUserValidator.Validate(new NewUser("Twin", email, 30, [])));
        Assert.Equal("email", violation.Field);
    }

    [Fact]
    public void InternationalizedDomain_InItsXnForm_IsValid() =>
        Assert.Empty(NewUserValidator.Validate(new NewUser("Ada", "ada@xn--bcher-kva.example", 30, [])));

    [Theory]
    [MemberData(nameof(OtherSpellings))]
    public void VerifiedEmailInAnotherSpelling_DoesNotOwnTheUser(string email)
    {
        // Each spelling imitates one of these ASCII users.
        var caller = new Caller("mallory", UserId: null, Email: email, NoRoles);

        Assert.False(caller.Owns(1, "cafe@example.com"));
        Assert.False(caller.Owns(2, "ada@example.com"));
        Assert.False(caller.Owns(3, "ada@bucher.example"));
        Assert.False(caller.Owns(4, "kda@example.com"));
    }

    [Fact]
    public void VerifiedEmail_InTheCanonicalForm_OwnsTheUser_WhateverItsAsciiCase() =>
        Assert.True(new Caller("ada", UserId: null, Email: "ADA@example.com", NoRoles).Owns(2, "ada@Example.com"));

    /// <summary>
    /// Why the canonical form is ASCII only: the server runs with invariant globalization (no ICU),
    /// and there .NET 10's <see cref="string.Normalize(NormalizationForm)"/> silently returns its
    /// input, and <see cref="IdnMapping"/> encodes a full-width label instead of mapping it to ASCII.
    /// If this fails, ICU is in use and NFKC could replace the ASCII rule.
    /// </summary>
    [Fact]
    public void UnderInvariantGlobalization_NormalizationIsNotAvailable()
    {
        Assert.True(AppContext.TryGetSwitch("System.Globalization.Invariant", out var invariant) && invariant);
        Assert.Equal("cafe\u0301", "cafe\u0301".Normalize(NormalizationForm.FormKC));
        Assert.NotEqual("caf\u00e9", "cafe\u0301".Normalize(NormalizationForm.FormC));
        Assert.NotEqual("example.com", new IdnMapping().GetAscii("\uFF45xample.com"));
    }
}

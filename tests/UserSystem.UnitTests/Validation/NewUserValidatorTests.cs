using UserSystem.Validation;

namespace UserSystem.UnitTests.Validation;

public sealed class NewUserValidatorTests
{
    private static NewUser Valid(string name = "Ada Lovelace", string email = "ada@example.com", int age = 36, params string[] hobbies) =>
        new(name, email, age, hobbies.Length == 0 ? ["maths"] : hobbies);

    [Fact]
    public void ValidUser_HasNoViolations() => Assert.Empty(NewUserValidator.Validate(Valid()));

    [Fact]
    public void EmptyName_IsRequired()
    {
        var violation = Assert.Single(NewUserValidator.Validate(Valid(name: "")));

        Assert.Equal(new FieldViolation("name", "is required"), violation);
    }

    [Theory]
    [InlineData(100, true)]
    [InlineData(101, false)]
    public void NameLength_IsAtMost100(int length, bool valid) =>
        Assert.Equal(valid, NewUserValidator.Validate(Valid(name: new string('a', length))).Count == 0);

    [Fact]
    public void NameLength_CountsCharactersNotUtf16Units()
    {
        // 100 emoji are 200 UTF-16 code units, but 100 characters.
        var name = string.Concat(Enumerable.Repeat("\U0001F600", 100));

        Assert.Empty(NewUserValidator.Validate(Valid(name: name)));
    }

    [Fact]
    public void NameWithAControlCharacter_IsRefused()
    {
        var violation = Assert.Single(NewUserValidator.Validate(Valid(name: "Ada\u0007")));

        Assert.Equal("name", violation.Field);
        Assert.Contains("control", violation.Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ada@example.com")]
    [InlineData("a.b+tag@sub.example.org")]
    [InlineData("x@example.io")]
    public void WellFormedEmail_IsAccepted(string email) => Assert.Empty(NewUserValidator.Validate(Valid(email: email)));

    [Theory]
    [InlineData("", "is required")]
    [InlineData("no-at-sign", "is not a valid email address")]
    [InlineData("two@@example.com", "is not a valid email address")]
    [InlineData("ada@localhost", "is not a valid email address")]
    [InlineData("ada@-example.com", "is not a valid email address")]
    [InlineData("ada@exämple.com", "must be ASCII (write an internationalized domain in its xn-- form): other Unicode forms of an address cannot be told apart reliably")]
    public void MalformedEmail_IsRefused(string email, string description)
    {
        var violation = Assert.Single(NewUserValidator.Validate(Valid(email: email)));

        Assert.Equal(new FieldViolation("email", description), violation);
    }

    [Fact]
    public void EmailLongerThan254_IsRefused()
    {
        var email = new string('a', 64) + "@" + string.Join('.', Enumerable.Repeat(new string('b', 60), 4)) + ".com";

        var violation = Assert.Single(NewUserValidator.Validate(Valid(email: email)));

        Assert.Equal("email", violation.Field);
        Assert.Contains("254", violation.Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1, false)]
    [InlineData(0, true)]
    [InlineData(150, true)]
    [InlineData(151, false)]
    public void Age_IsBetween0And150(int age, bool valid) =>
        Assert.Equal(valid, NewUserValidator.Validate(Valid(age: age)).Count == 0);

    [Fact]
    public void MoreThan20Hobbies_IsOneViolationOnTheList()
    {
        var hobbies = Enumerable.Range(1, 21).Select(i => $"hobby {i}").ToArray();

        var violation = Assert.Single(NewUserValidator.Validate(Valid(hobbies: hobbies)));

        Assert.Equal("hobbies", violation.Field);
    }

    [Fact]
    public void EmptyOrOverlongHobby_NamesItsIndex()
    {
        var violations = NewUserValidator.Validate(Valid(hobbies: ["chess", "", new string('h', 51)]));

        Assert.Equal(["hobbies[1]", "hobbies[2]"], violations.Select(violation => violation.Field));
    }

    [Fact]
    public void SeveralBadFields_AreAllReported()
    {
        var violations = NewUserValidator.Validate(new NewUser("", "nope", 200, []));

        Assert.Equal(["name", "email", "age"], violations.Select(violation => violation.Field));
    }

    [Fact]
    public void Normalized_TrimsNameEmailAndHobbies()
    {
        var user = NewUser.Normalized("  Ada ", " ada@example.com ", 36, [" chess "]);

        Assert.Equal(("Ada", "ada@example.com", "chess"), (user.Name, user.Email, user.Hobbies[0]));
    }

    [Fact]
    public void EmailKey_IgnoresCase() =>
        Assert.Equal(new NewUser("a", "Ada@Example.COM", 1, []).EmailKey, new NewUser("b", "ada@example.com", 2, []).EmailKey);
}

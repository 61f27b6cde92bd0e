using UserSystem.Cli.Files;

namespace UserSystem.UnitTests.Cli;

/// <summary>`users chat` reads each line with the same CSV rules as `import`.</summary>
public sealed class ChatLineTests
{
    [Fact]
    public void QuotedName_MayHoldACommaAndQuotes()
    {
        var (row, problem) = UserFileReader.ParseLine(1, "\"Lovelace, \"\"Ada\"\"\",ada@example.com,36,chess;maths");

        Assert.Null(problem);
        Assert.Equal(("Lovelace, \"Ada\"", "ada@example.com"), (row!.Name, row.Email));
    }

    [Fact]
    public void UnclosedQuote_IsAProblemOnThatLine()
    {
        var (row, problem) = UserFileReader.ParseLine(3, "\"Ada,ada@example.com");

        Assert.Null(row);
        Assert.Equal(3, problem!.Line);
    }

    [Fact]
    public void OneField_IsAProblem() => Assert.NotNull(UserFileReader.ParseLine(1, "Ada").Problem);
}

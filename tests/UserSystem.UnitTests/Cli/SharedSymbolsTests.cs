using System.CommandLine;
using UserSystem.Cli;
using UserSystem.Cli.Hosting;

namespace UserSystem.UnitTests.Cli;

/// <summary>The id argument and --etag are one definition, so every command that takes them parses them alike.</summary>
public sealed class SharedSymbolsTests
{
    private static readonly RootCommand Root = UsersCli.BuildRootCommand(new CliHost(TextWriter.Null, TextWriter.Null, TextReader.Null, IsInteractive: false, _ => null));

    [Theory]
    [InlineData("get")]
    [InlineData("update")]
    [InlineData("suspend")]
    [InlineData("activate")]
    [InlineData("delete")]
    public void IdCommands_TakeTheUserIdAsANumber(string command)
    {
        var parse = Root.Parse([command, "42"]);

        Assert.Equal(42, parse.GetValue<int>("id"));
        Assert.Contains(Root.Subcommands.Single(sub => sub.Name == command).Arguments, argument => argument is Argument<int> { Name: "id", Description: "The user's id" });
        Assert.NotEmpty(Root.Parse([command, "forty-two"]).Errors);
    }

    [Theory]
    [InlineData("update", "Change only if this is still the user's etag (else exit 5); without it the change is unconditional")]
    [InlineData("suspend", "Act only if this is still the user's etag (else exit 5)")]
    [InlineData("activate", "Act only if this is still the user's etag (else exit 5)")]
    [InlineData("delete", "Delete only if this is still the user's etag (else exit 5)")]
    public void EtagCommands_TakeEtag_WithTheirOwnHelp(string command, string help)
    {
        var parse = Root.Parse([command, "1", "--etag", "v3"]);

        Assert.Empty(parse.Errors);
        Assert.Equal("v3", parse.GetValue<string>("--etag"));
        Assert.Equal(help, Root.Subcommands.Single(sub => sub.Name == command).Options.Single(option => option.Name == "--etag").Description);
    }

    [Fact]
    public void GetTakesNoEtag() => Assert.NotEmpty(Root.Parse(["get", "1", "--etag", "v3"]).Errors);
}

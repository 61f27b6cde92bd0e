using UserSystem.Cli.Hosting;
using UserSystem.Cli.Output;
using UserSystem.Contracts;

namespace UserSystem.UnitTests.Cli;

/// <summary>
/// The one helper every command writes its result with: the whole message as one JSON line, or
/// the users as a table (and text lines), never a raw control character from the server.
/// </summary>
public sealed class ResultOutputTests : IAsyncDisposable
{
    private readonly StringWriter _out = new();
    private CliSession? _session;

    private static User Ada => new() { Id = 7, Name = "Ada Lovelace", Email = "ada@example.com", Age = 36, Hobbies = { "chess", "maths" }, Status = UserStatus.Active, Etag = "v1" };

    [Fact]
    public async Task Json_WritesTheWholeMessage_OnOneLine_WithDefaults()
    {
        var response = new ListUsersResponse { Users = { Ada, new User { Id = 8, Name = "Grace" } }, Total = 2 };

        await ResultOutput.WriteAsync(Session(OutputFormat.Json), response, response.Users, "a caption", "a footer").DefaultTimeout();

        var lines = Lines();
        Assert.Single(lines);
        Assert.Equal(response, ListUsersResponse.Parser.ParseJson(lines[0]));
        // Defaults are written, so a script finds "age": 0 rather than a missing key; people's extras are not.
        Assert.Contains("\"age\": 0", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("caption", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("footer", lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Table_HasAHeaderAndOneRowPerUser_ThenCaptionAndFooter()
    {
        await ResultOutput.WriteAsync(Session(OutputFormat.Table), new ListUsersResponse(), [Ada, new User { Id = 12, Name = "Grace Hopper", Status = UserStatus.Suspended }], "page 0: 2 of 2 users", "etag v1").DefaultTimeout();

        var lines = Lines();
        Assert.Contains(lines, line => Cells(line) is ["ID", "Name", "Email", "Age", "Hobbies", "Status", "Etag"]);
        Assert.Contains(lines, line => Cells(line) is ["7", "Ada Lovelace", "ada@example.com", "36", "chess, maths", "ACTIVE", "v1"]);
        Assert.Contains(lines, line => Cells(line) is ["12", "Grace Hopper", "", "0", "", "SUSPENDED", ""]);
        Assert.Contains(lines, line => line.Trim() == "page 0: 2 of 2 users");
        Assert.Equal("etag v1", lines[^1]);
    }

    [Fact]
    public async Task Table_ServerTextWithControlCharacters_IsPrintedAsVisibleEscapes()
    {
        var user = new User { Id = 1, Name = "Mal\u001b[2Jlory\u202E", Email = "m@example.com", Hobbies = { "a\u0007b" } };

        await ResultOutput.WriteAsync(Session(OutputFormat.Table), user, [user], caption: "next\u001b[31m", footer: "created\u009b2J").DefaultTimeout();

        var text = _out.ToString();
        Assert.DoesNotContain(text, character => character is '\u001b' or '\u0007' or '\u202E' or '\u009b');
        Assert.Contains("Mal\\u001B[2Jlory\\u202E", text, StringComparison.Ordinal);
        Assert.Contains("a\\u0007b", text, StringComparison.Ordinal);
        Assert.Contains("next\\u001B[31m", text, StringComparison.Ordinal);
        Assert.Contains("created\\u009B2J", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_ServerTextWithControlCharacters_IsEscapedByTheFormatter()
    {
        var user = new User { Id = 1, Name = "Mal\u001b[2Jlory\u202E" };

        await ResultOutput.WriteAsync(Session(OutputFormat.Json), user, [user]).DefaultTimeout();

        Assert.DoesNotContain(_out.ToString(), character => character is '\u001b' or '\u202E');
        Assert.Equal(user.Name, User.Parser.ParseJson(Lines()[0]).Name);
    }

    [Fact]
    public async Task Caption_WithSquareBrackets_IsPlainText_NotMarkup()
    {
        await ResultOutput.WriteAsync(Session(OutputFormat.Table), new ListUsersResponse(), [Ada], "next page: --page-token [red]x[/]").DefaultTimeout();

        Assert.Contains("next page: --page-token [red]x[/]", _out.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(OutputFormat.Table, "SERVING")]
    [InlineData(OutputFormat.Json, "{ \"id\": 7,")]
    public async Task TextForm_WritesTheLineForPeople_OrTheMessageForScripts(OutputFormat format, string expectedStart)
    {
        await ResultOutput.WriteAsync(Session(format), Ada, "SERVING").DefaultTimeout();

        var line = Assert.Single(Lines());
        Assert.StartsWith(expectedStart, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TextForm_NeutralizesTheLine()
    {
        await ResultOutput.WriteAsync(Session(OutputFormat.Table), Ada, "Imported 1 users: \u001b]0;owned\u0007").DefaultTimeout();

        Assert.Equal("Imported 1 users: \\u001B]0;owned\\u0007", Assert.Single(Lines()));
    }

    public async ValueTask DisposeAsync()
    {
        if (_session is not null)
        {
            await _session.DisposeAsync();
        }

        await _out.DisposeAsync();
    }

    // Splits a table row on its vertical borders; border-only lines have no cells.
    private static string[] Cells(string line) =>
        line.Contains('│', StringComparison.Ordinal) ? [.. line.Split('│')[1..^1].Select(cell => cell.Trim())] : [];

    private string[] Lines() => _out.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);

    // A session builds its clients lazily, so writing output needs no server.
    private CliSession Session(OutputFormat format)
    {
        var host = new CliHost(_out, TextWriter.Null, TextReader.Null, IsInteractive: false, _ => null);
        _session = new CliSession(host, new CliSettings([new Uri("http://127.0.0.1:1")], null, null, null, null, format, null, Verbose: false));
        return _session;
    }
}

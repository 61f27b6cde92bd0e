using System.Globalization;
using System.Text;
using System.Text.Json;
using UserSystem.Cli.Hosting;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Cli.Tests;

public sealed class ImportExportTests : ServerTest, IDisposable
{
    private static readonly TimeSpan LargeRunTimeout = TimeSpan.FromMinutes(3);
    private readonly TempDirectory _files = new();

    [Fact]
    public async Task Import_10000CsvRows_ExportRoundTripsThem()
    {
        var source = _files.File("users.csv");
        var expected = Enumerable.Range(1, 10_000).Select(i => (Name: $"User {i}, the {i % 7}th", Email: $"user{i}@example.com", Age: i % 151, Hobbies: i % 3 == 0 ? "" : $"hobby {i % 5};\"quoted\" {i % 2}")).ToArray();
        var csv = new StringBuilder("name,email,age,hobbies\n");
        foreach (var row in expected)
        {
            csv.Append(Csv(row.Name)).Append(',').Append(row.Email).Append(',').Append(row.Age.ToString(CultureInfo.InvariantCulture)).Append(',').Append(Csv(row.Hobbies)).Append('\n');
        }

        await File.WriteAllTextAsync(source, csv.ToString());

        var import = await RunLargeAsync("import", source);
        var exported = _files.File("export.csv");
        var export = await RunLargeAsync("export", exported);

        Assert.Equal(ExitCodes.Success, import.ExitCode);
        Assert.Contains("Imported 10000 users (ids 1-10000)", import.Out, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Success, export.ExitCode);
        Assert.Contains("Exported 10000 users", export.Error, StringComparison.Ordinal);
        var lines = await File.ReadAllLinesAsync(exported);
        Assert.Equal("id,name,email,age,hobbies,status,create_time,update_time", lines[0]);
        Assert.Equal(10_001, lines.Length);

        // The export is itself an import file: re-reading it gives back exactly the imported users.
        var roundTrip = await ReadBackAsync(exported, Files.UserFileFormat.Csv);
        Assert.Equal(expected.Select(row => (row.Name, row.Email, row.Age, row.Hobbies)), roundTrip);
    }

    [Fact]
    public async Task Import_JsonLines_ExportJsonLinesRoundTrips()
    {
        var source = _files.File("users.jsonl");
        await File.WriteAllLinesAsync(source,
        [
            """{"name":"Ada","email":"ada@example.com","age":36,"hobbies":["maths","poetry; verse"]}""",
            "",
            """{"name":"Grace","email":"grace@example.com","age":85}""",
        ]);

        var import = await RunAsync("import", source, "--output", "json");
        var export = await RunAsync("export", "--format", "jsonl");

        Assert.Equal(ExitCodes.Success, import.ExitCode);
        using (var summary = JsonDocument.Parse(import.Out))
        {
            Assert.Equal(2, summary.RootElement.GetProperty("createdCount").GetInt32());
        }

        Assert.Equal(ExitCodes.Success, export.ExitCode);
        var users = export.OutLines.Select(line => JsonDocument.Parse(line).RootElement).ToArray();
        Assert.Equal(["Ada", "Grace"], users.Select(user => user.GetProperty("name").GetString()));
        Assert.Equal(["maths", "poetry; verse"], users[0].GetProperty("hobbies").EnumerateArray().Select(hobby => hobby.GetString()));
    }

    [Fact]
    public async Task Import_BadRows_ReportsEachLineAndSendsNothing()
    {
        var source = _files.File("bad.csv");
        await File.WriteAllTextAsync(source, "name,email,age,hobbies\nGood,good@example.com,30,\nNo Email,not-an-email,20,\n,blank-name@example.com,20,\nOld,old@example.com,abc,\nTwin,GOOD@example.com,1,\n");

        var result = await RunAsync("import", source);

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        Assert.Contains(result.ErrorLines, line => line.StartsWith("line 3 (not-an-email): email:", StringComparison.Ordinal));
        Assert.Contains(result.ErrorLines, line => line.StartsWith("line 4 (blank-name@example.com): name:", StringComparison.Ordinal));
        Assert.Contains(result.ErrorLines, line => line.StartsWith("line 5 (old@example.com): age:", StringComparison.Ordinal));
        Assert.Contains(result.ErrorLines, line => line.StartsWith("line 6 (GOOD@example.com): email is already used on line 2", StringComparison.Ordinal));
        Assert.Contains("4 row(s) refused (3 invalid, 1 duplicate), 0 skipped, 1 valid; nothing was imported", result.Error, StringComparison.Ordinal);
        var list = await Server.Client.ListUsersAsync(new ListUsersRequest()).ResponseAsync.DefaultTimeout();
        Assert.Equal(0, list.Total);
    }

    [Fact]
    public async Task Import_EmailsAlreadyStored_AreEachReportedWithLineAndEmailBeforeAnythingIsSent()
    {
        var first = await Server.Client.CreateUserAsync(Users.NewRequest("Existing")).ResponseAsync.DefaultTimeout();
        var second = await Server.Client.CreateUserAsync(Users.NewRequest("Existing Too")).ResponseAsync.DefaultTimeout();
        var source = _files.File("clash.csv");
        await File.WriteAllTextAsync(source, $"name,email\nNew,new@example.com\nClash,{first.User.Email.ToUpperInvariant()}\nAgain,{second.User.Email}\n");

        var result = await RunAsync("import", source);

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        Assert.Contains($"line 3 ({first.User.Email.ToUpperInvariant()}): a user with this email already exists (user {first.User.Id})", result.ErrorLines);
        Assert.Contains($"line 4 ({second.User.Email}): a user with this email already exists (user {second.User.Id})", result.ErrorLines);
        Assert.Contains(result.ErrorLines, line => line.Contains("2 row(s) refused (0 invalid, 2 duplicate)", StringComparison.Ordinal) && line.Contains("--skip-existing", StringComparison.Ordinal));
        var list = await Server.Client.ListUsersAsync(new ListUsersRequest()).ResponseAsync.DefaultTimeout();
        Assert.Equal(2, list.Total);
    }

    [Fact]
    public async Task Import_SkipExisting_MakesAReRunOfAHalfImportedFileIdempotent()
    {
        var source = _files.File("half.csv");
        await File.WriteAllTextAsync(source, "name,email\nOne,one@example.com\nTwo,two@example.com\n");
        Assert.Equal(ExitCodes.Success, (await RunAsync("import", source)).ExitCode);
        await File.AppendAllTextAsync(source, "Three,three@example.com\nFour,four@example.com\n");

        var rerun = await RunAsync("import", source, "--skip-existing");
        var again = await RunAsync("import", source, "--skip-existing");

        Assert.Equal(ExitCodes.Success, rerun.ExitCode);
        Assert.Contains("Imported 2 users (ids 3-4)", rerun.Out, StringComparison.Ordinal);
        Assert.Contains("2 created, 2 skipped (already exist), 0 refused", rerun.Out, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Success, again.ExitCode);
        Assert.Contains("Nothing to import: all 4 users already exist (0 created, 4 skipped, 0 refused)", again.Error, StringComparison.Ordinal);
        var list = await Server.Client.ListUsersAsync(new ListUsersRequest()).ResponseAsync.DefaultTimeout();
        Assert.Equal(4, list.Total);
    }

    [Fact]
    public async Task Import_QuotedFieldAcrossLines_KeepsLineNumbersOfLaterRows()
    {
        var source = _files.File("multiline.csv");
        await File.WriteAllTextAsync(source, "name,email,age\n\"Ada\nLovelace\",ada@example.com,36\nBad,bad-email,20\n");

        var result = await RunAsync("import", source);

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        // The first record spans lines 2-3 (and its name has a control character); the bad email is on line 4.
        Assert.Contains(result.ErrorLines, line => line.StartsWith("line 2 (ada@example.com): name:", StringComparison.Ordinal));
        Assert.Contains(result.ErrorLines, line => line.StartsWith("line 4 (bad-email): email:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Import_OnATerminal_DrawsProgressOnStandardErrorAndKeepsTheSummaryOnOutput()
    {
        var source = _files.File("terminal.csv");
        await File.WriteAllTextAsync(source, "name,email\nAda,ada@example.com\nGrace,grace@example.com\nAlan,alan@example.com\n");

        var result = await CliRun.RunAsync(["--address", Server.GrpcAddress.ToString(), "import", source], input: null, environment: null, interactive: true);

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Contains("Importing 3 users", result.Error, StringComparison.Ordinal);
        Assert.StartsWith("Imported 3 users (ids 1-3)", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_MissingFile_ExitsUsage()
    {
        var result = await RunAsync("import", _files.File("absent.csv"));

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("does not exist", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_HeaderWithoutEmail_ExitsInvalidInputNamingTheColumns()
    {
        var source = _files.File("noheader.csv");
        await File.WriteAllTextAsync(source, "Ada,ada@example.com,36\n");

        var result = await RunAsync("import", source);

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        Assert.Contains("line 1: the header row must name the columns 'name' and 'email'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_EmptyStore_WritesOnlyTheHeader()
    {
        var result = await RunAsync("export");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal("id,name,email,age,hobbies,status,create_time,update_time", Assert.Single(result.OutLines));
        Assert.Contains("Exported 0 users to standard output", result.Error, StringComparison.Ordinal);
    }

    public void Dispose() => _files.Dispose();

    private Task<CliResult> RunLargeAsync(params string[] args) =>
        CliRun.RunAsync(["--address", Server.GrpcAddress.ToString(), .. args], input: null, environment: null, LargeRunTimeout);

    private static string Csv(string value) =>
        value.Contains(',', StringComparison.Ordinal) || value.Contains('"', StringComparison.Ordinal) ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;

    private static async Task<List<(string Name, string Email, int Age, string Hobbies)>> ReadBackAsync(string path, Files.UserFileFormat format)
    {
        var rows = new List<(string, string, int, string)>();
        using var reader = new StreamReader(path);
        await foreach (var (row, problem) in Files.UserFileReader.ReadAsync(reader, format))
        {
            Assert.Null(problem);
            rows.Add((row!.Name, row.Email, row.Age, string.Join(';', row.Hobbies)));
        }

        return rows;
    }
}

using Microsoft.Data.Sqlite;
using UserSystem.Cli.Hosting;
using UserSystem.Testing;

namespace UserSystem.Cli.Tests;

/// <summary>
/// The CLI never prints a raw control character it got from the server, and its CSV export
/// cannot be run as a spreadsheet formula. (The server refuses such names today; stored data
/// from before that rule is simulated by writing the row directly.)
/// </summary>
public sealed class OutputNeutralisationTests : ServerTest, IDisposable
{
    private readonly TempDirectory _files = new();

    [Fact]
    public async Task List_NameWithTerminalEscape_IsPrintedAsVisibleText()
    {
        var id = await CreateUserAsync("Mallory");
        await SetStoredNameAsync(id, "Mal\u001b[2J\u001b]0;owned\u0007lory\u202E");

        var result = await RunAsync("list");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.DoesNotContain('\u001b', result.Out);
        Assert.DoesNotContain('\u0007', result.Out);
        Assert.DoesNotContain('\u202E', result.Out);
        Assert.Contains("\\u001B[2J", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_NameWithTerminalEscape_IsPrintedAsVisibleText()
    {
        var id = await CreateUserAsync("Mallory");
        await SetStoredNameAsync(id, "Mal\u001b[31mlory");

        var result = await RunAsync("stream");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.DoesNotContain('\u001b', result.Out);
        Assert.Contains("Mal\\u001B[31mlory", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExportCsv_FormulaPrefixes_AreNeutralized_AndImportReadsThemBack()
    {
        string[] names = ["=HYPERLINK(\"http://evil.example\")", "+1+1", "-2+3", "@SUM(A1)"];
        foreach (var name in names)
        {
            await CreateUserAsync(name);
        }

        var exported = _files.File("export.csv");
        var export = await RunAsync("export", exported);

        Assert.Equal(ExitCodes.Success, export.ExitCode);
        var cells = (await File.ReadAllLinesAsync(exported)).Skip(1).Select(line => line.Split(',')[1]).ToArray();
        Assert.Equal(names.Length, cells.Length);
        Assert.All(cells, cell => Assert.DoesNotMatch("^\"?[=+\\-@\\t\\r]", cell));

        // The guard is removed on import: the export reads back as the same names.
        var rows = new List<string>();
        await foreach (var (row, problem) in Files.UserFileReader.ReadAsync(new StreamReader(exported), Files.UserFileFormat.Csv))
        {
            Assert.Null(problem);
            rows.Add(row!.Name);
        }

        Assert.Equal(names, rows);
    }

    [Fact]
    public async Task ExportCsv_FormulaHobbyBesideAnother_IsNeutralizedOnItsOwn_InAnOwnerOnlyFile()
    {
        await Server.Client.CreateUserAsync(new Contracts.CreateUserRequest { Name = "Mallory", Email = Users.UniqueEmail(), Age = 30, Hobbies = { "chess", "=1+1" } });

        var exported = _files.File("export.csv");
        var export = await RunAsync("export", exported);

        Assert.Equal(ExitCodes.Success, export.ExitCode);
        var text = await File.ReadAllTextAsync(exported);
        Assert.Contains("chess;", text, StringComparison.Ordinal);
        Assert.DoesNotContain(";=", text, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(exported));
        }

        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(exported)!, "*.partial"));

        // Each hobby's guard is removed on import: the export reads back as the same hobbies.
        var hobbies = new List<string>();
        await foreach (var (row, problem) in Files.UserFileReader.ReadAsync(new StreamReader(exported), Files.UserFileFormat.Csv))
        {
            Assert.Null(problem);
            hobbies.AddRange(row!.Hobbies);
        }

        Assert.Equal(["chess", "=1+1"], hobbies);
    }

    public void Dispose() => _files.Dispose();

    private async Task SetStoredNameAsync(int id, string name)
    {
        await using var connection = new SqliteConnection($"Data Source={Server.DatabasePath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE users SET name = $name WHERE id = $id";
        command.Parameters.AddWithValue("$name", name);
        command.Parameters.AddWithValue("$id", id);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }
}

/// <summary>The CLI refuses to send --token over http:// to a non-loopback address unless --insecure-token says so.</summary>
public sealed class TokenTransportCliTests
{
    [Fact]
    public async Task Token_OverHttpToANonLoopbackAddress_IsAUsageError()
    {
        var result = await CliRun.RunAsync(["--address", "http://192.0.2.10:50051", "--token", "secret-token", "list"], input: null, environment: null);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("clear text", result.Error, StringComparison.Ordinal);
        Assert.Contains("--insecure-token", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenFromTheEnvironment_OverHttpToANonLoopbackAddress_IsAUsageError()
    {
        var result = await CliRun.RunAsync(["list"], input: null, new Dictionary<string, string> { ["USERS_ADDRESS"] = "users.example.com:50051", ["USERS_TOKEN"] = "t" });

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
    }
}

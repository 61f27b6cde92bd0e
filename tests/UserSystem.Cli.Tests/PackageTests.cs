using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;
using UserSystem.Testing;

namespace UserSystem.Cli.Tests;

/// <summary>
/// The packages a user installs: the CLI as a .NET tool that installs from its package and runs,
/// and the client library with its README and its dependency on the contracts package. Packed
/// from the build this test run already made (Debug, --no-build), into a temporary folder.
/// </summary>
public sealed class PackageTests : IDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(3);
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task CliPackage_InstallsAsADotnetTool_AndUsersVersionPrintsTheVersion()
    {
        await RunAsync("dotnet", "pack", RepositoryFiles.PathOf("src", "UserSystem.Cli"), "--no-build", "-c", "Debug", "-o", _folder.Path);
        var tools = Path.Combine(_folder.Path, "tools");

        await RunAsync("dotnet", "tool", "install", "UserSystem.Cli", "--tool-path", tools, "--add-source", _folder.Path, "--ignore-failed-sources");
        var version = await RunAsync(Path.Combine(tools, "users"), "--version");

        Assert.Equal("1.0.0", version.Trim());
    }

    [Fact]
    public async Task ClientPackage_CarriesItsReadme_AndDependsOnTheContractsPackage()
    {
        await RunAsync("dotnet", "pack", RepositoryFiles.PathOf("src", "UserSystem.Client"), "--no-build", "-c", "Debug", "-o", _folder.Path);

        using var package = ZipFile.OpenRead(Path.Combine(_folder.Path, "UserSystem.Client.1.0.0.nupkg"));
        Assert.NotNull(package.GetEntry("README.md"));
        Assert.NotNull(package.GetEntry("lib/net10.0/UserSystem.Client.dll"));
        using var nuspec = package.GetEntry("UserSystem.Client.nuspec")!.Open();
        var dependencies = XDocument.Load(nuspec).Descendants().Where(element => element.Name.LocalName == "dependency").Select(element => (string?)element.Attribute("id"));
        Assert.Contains("UserSystem.Contracts", dependencies);
    }

    private static async Task<string> RunAsync(string fileName, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(CommandTimeout);
        Assert.True(process.ExitCode == 0, $"{fileName} {string.Join(' ', arguments)} exited {process.ExitCode}: {await output}{await error}");
        return await output;
    }
}

using Grpc.Core;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Hosting;

/// <summary>Started from another directory, the server still reads the appsettings.json beside it.</summary>
public sealed class ContentRootTests
{
    [Fact]
    public async Task StartedFromAnotherDirectory_ReadsItsOwnAppsettings_AndKeepsRelativePathsRelativeToTheWorkingDirectory()
    {
        using var directory = new TempDirectory();
        await using var server = await ServerProcess.StartInAsync(directory.Path, "users.db");
        var client = new UserService.UserServiceClient(server.Channel);

        await client.CreateUserAsync(Users.NewRequest(), new Metadata { { "x-request-id", "content-root" } }).ResponseAsync.DefaultTimeout();
        await server.WaitForOutputAsync(line => line.Contains("(request id content-root)", StringComparison.Ordinal)).DefaultTimeout();

        // appsettings.json sets Microsoft.AspNetCore to Warning; without it, every request logs these.
        Assert.DoesNotContain(server.OutputLines, line => line.Contains("Microsoft.AspNetCore.Hosting.Diagnostics", StringComparison.Ordinal));
        Assert.True(File.Exists(directory.File("users.db")));
    }
}

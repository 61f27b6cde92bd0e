using UserSystem.Contracts;
using UserSystem.Testing;
using ContractUser = UserSystem.Contracts.User;

namespace UserSystem.Server.Tests.ScaleOut;

/// <summary>The embedded store under a crash: SIGKILL mid-stream, restart on the same file.</summary>
public sealed class SqliteCrashDurabilityTests
{
    [Fact]
    public async Task Sigkill_DuringAStreamOfCreates_LosesNoAcknowledgedCreate()
    {
        using var directory = new TempDirectory();
        var database = directory.File("users.db");
        IReadOnlyList<ContractUser> acknowledged;
        await using (var server = await ServerProcess.StartAsync(database, AcknowledgedCreates.ServerSettings))
        {
            acknowledged = await AcknowledgedCreates.CreateUntilKilledAsync(server, killAfter: 200, server.KillAsync);
            Assert.True(server.HasExited);
        }

        await using var restarted = await ServerProcess.StartAsync(database);

        Assert.True(acknowledged.Count >= 200);
        await AcknowledgedCreates.AssertAllPresentAsync(new UserService.UserServiceClient(restarted.Channel), acknowledged);
    }
}

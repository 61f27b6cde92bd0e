using Grpc.Core;
using Grpc.Net.Client;
using UserSystem.Contracts;
using UserSystem.Server.Tests.Security;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Observability;

/// <summary>
/// The change notifier's sending loop starts at the first commit, inside that request. Its log
/// lines must not carry the request's scope: the request ends long before the loop does, and
/// reading its caller afterwards threw from the logger, which ended the loop and the process.
/// </summary>
public sealed class BackgroundLogScopeTests
{
    [Fact]
    public async Task NotifierStartedByARequest_KeepsSending_WithoutThatRequestsScope_AndTheServerExitsCleanly()
    {
        var postgres = await PostgresServer.GetAsync().DefaultTimeout();
        var database = await postgres.CreateDatabaseAsync();
        // Npgsql at Information writes a line per statement, the notifier's pg_notify included.
        var tokens = new Tokens();
        await using var server = await ServerProcess.StartOnPostgresAsync(database, ["environment=Production", "Logging:LogLevel:Npgsql=Information", .. tokens.ServerSettings]);
        using var channel = GrpcChannel.ForAddress(server.GrpcAddress, Tokens.WithToken(tokens.Admin("notifier-test")));
        var client = new UserService.UserServiceClient(channel);

        await client.CreateUserAsync(Users.NewRequest(), new Metadata { { "x-request-id", "first-commit-req" } }).ResponseAsync.DefaultTimeout();
        await server.WaitForOutputAsync(IsNotifyLine).DefaultTimeout();
        await client.CreateUserAsync(Users.NewRequest(), new Metadata { { "x-request-id", "second-commit-req" } }).ResponseAsync.DefaultTimeout();
        await Poll.UntilAsync(() => server.OutputLines.Count(IsNotifyLine) >= 2).DefaultTimeout();

        Assert.All(server.OutputLines.Where(IsNotifyLine), line => Assert.DoesNotContain("\"RequestId\"", line, StringComparison.Ordinal));
        server.Terminate();
        await server.WaitForExitAsync().DefaultTimeout();
        Assert.Equal(0, server.ExitCode);
    }

    private static bool IsNotifyLine(string line) =>
        line.Contains("\"Category\":\"Npgsql.Command\"", StringComparison.Ordinal) && line.Contains("pg_notify", StringComparison.Ordinal);
}

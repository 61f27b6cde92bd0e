using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using UserSystem.Contracts;
using UserSystem.Server.Tests.Security;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Observability;

/// <summary>In Production, logs are JSON lines; each call leaves an audit line with actor and request id, and no email or token.</summary>
public sealed class StructuredLogTests
{
    [Fact]
    public async Task ProductionCall_WritesJsonAuditLine_WithDurationAndScope_AndNoEmailOrToken()
    {
        var tokens = new Tokens();
        using var directory = new TempDirectory();
        await using var server = await ServerProcess.StartAsync(directory.File("users.db"), ["environment=Production", .. tokens.ServerSettings]);
        var token = tokens.Admin("auditor-7");
        using var channel = GrpcChannel.ForAddress(server.GrpcAddress, Tokens.WithToken(token));
        var request = Users.NewRequest();

        await new UserService.UserServiceClient(channel)
            .CreateUserAsync(request, new Metadata { { "x-request-id", "audit-req-42" } }).ResponseAsync.DefaultTimeout();
        var line = await server.WaitForOutputAsync(text => text.Contains("\"EventId\":4100", StringComparison.Ordinal)).DefaultTimeout();

        using var entry = JsonDocument.Parse(line);
        var state = entry.RootElement.GetProperty("State");
        Assert.Equal("auditor-7", state.GetProperty("Actor").GetString());
        Assert.Equal("/user.UserService/CreateUser", state.GetProperty("Method").GetString());
        Assert.Equal("OK", state.GetProperty("Outcome").GetString());
        Assert.Equal("audit-req-42", state.GetProperty("RequestId").GetString());
        Assert.True(state.GetProperty("ElapsedMilliseconds").GetDouble() >= 0);
        var scope = entry.RootElement.GetProperty("Scopes").EnumerateArray().Single(item => item.ValueKind == JsonValueKind.Object && item.TryGetProperty("Actor", out _));
        Assert.Equal("auditor-7", scope.GetProperty("Actor").GetString());
        Assert.Equal("audit-req-42", scope.GetProperty("RequestId").GetString());
        // A successful change writes its audit line alone; a failed call writes the call-finished line too.
        await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument, () => new UserService.UserServiceClient(channel)
            .CreateUserAsync(new CreateUserRequest(), new Metadata { { "x-request-id", "audit-req-43" } }).ResponseAsync);
        await server.WaitForOutputAsync(text => text.Contains("\"EventId\":1000", StringComparison.Ordinal) && text.Contains("audit-req-43", StringComparison.Ordinal)).DefaultTimeout();
        Assert.DoesNotContain(server.OutputLines, output => output.Contains("\"EventId\":1000", StringComparison.Ordinal) && output.Contains("audit-req-42", StringComparison.Ordinal));
        Assert.DoesNotContain(server.OutputLines, output => output.Contains(request.Email, StringComparison.OrdinalIgnoreCase) || output.Contains(token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RefusedCall_WritesAuditLine_WithActorAndOutcome()
    {
        var tokens = new Tokens();
        using var directory = new TempDirectory();
        await using var server = await ServerProcess.StartAsync(directory.File("users.db"), ["environment=Production", .. tokens.ServerSettings]);
        using var channel = GrpcChannel.ForAddress(server.GrpcAddress, Tokens.WithToken(tokens.Mint("user-9", userId: 9)));

        await RpcAssert.FailsWithAsync(StatusCode.PermissionDenied, () => new UserService.UserServiceClient(channel)
            .ListUsersAsync(new ListUsersRequest(), new Metadata { { "x-request-id", "refused-req-1" } }).ResponseAsync);
        var line = await server.WaitForOutputAsync(text => text.Contains("\"EventId\":4002", StringComparison.Ordinal)).DefaultTimeout();

        using var entry = JsonDocument.Parse(line);
        var state = entry.RootElement.GetProperty("State");
        Assert.Equal("user-9", state.GetProperty("Actor").GetString());
        Assert.Equal("/user.UserService/ListUsers", state.GetProperty("Path").GetString());
        Assert.Equal("forbidden", state.GetProperty("Outcome").GetString());
        Assert.Equal("refused-req-1", state.GetProperty("RequestId").GetString());
    }
}

using Grpc.Core;
using Microsoft.Extensions.Options;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Client.Tests;

public sealed class CallPolicyTests : IAsyncLifetime
{
    private RecordingServer _server = null!;

    public async Task InitializeAsync() => _server = await RecordingServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Retry_UnavailableTwice_SucceedsOnTheThirdAttempt()
    {
        _server.Recorder.Failures.Enqueue(StatusCode.Unavailable);
        _server.Recorder.Failures.Enqueue(StatusCode.Unavailable);
        await using var client = Client();

        var user = await client.Get<UserService.UserServiceClient>().GetUserAsync(new GetUserRequest { Id = 7 }).ResponseAsync.DefaultTimeout();

        Assert.Equal(7, user.Id);
        Assert.Equal(3, _server.Recorder.Calls.Count);
    }

    [Fact]
    public async Task Retry_AlwaysUnavailable_StopsAfterMaxAttempts()
    {
        for (var i = 0; i < 10; i++)
        {
            _server.Recorder.Failures.Enqueue(StatusCode.Unavailable);
        }

        await using var client = Client(options => options.MaxAttempts = 3);

        await RpcAssert.FailsWithAsync(StatusCode.Unavailable, () => client.Get<UserService.UserServiceClient>().GetUserAsync(new GetUserRequest { Id = 1 }).ResponseAsync);

        Assert.Equal(3, _server.Recorder.Calls.Count);
    }

    [Fact]
    public async Task Retry_OtherStatus_IsNotRetried()
    {
        _server.Recorder.Failures.Enqueue(StatusCode.Internal);
        await using var client = Client();

        await RpcAssert.FailsWithAsync(StatusCode.Internal, () => client.Get<UserService.UserServiceClient>().GetUserAsync(new GetUserRequest { Id = 1 }).ResponseAsync);

        Assert.Single(_server.Recorder.Calls);
    }

    [Fact]
    public async Task Token_FromProvider_IsSentAsBearerHeader()
    {
        await using var client = Client(options => options.TokenProvider = _ => ValueTask.FromResult<string?>("secret-token"));

        await client.Get<UserService.UserServiceClient>().GetUserAsync(new GetUserRequest { Id = 1 }).ResponseAsync.DefaultTimeout();

        Assert.Equal("Bearer secret-token", Assert.Single(_server.Recorder.Calls).Authorization);
    }

    [Fact]
    public async Task Token_None_SendsNoAuthorizationHeader()
    {
        await using var client = Client();

        await client.Get<UserService.UserServiceClient>().GetUserAsync(new GetUserRequest { Id = 1 }).ResponseAsync.DefaultTimeout();

        Assert.Null(Assert.Single(_server.Recorder.Calls).Authorization);
    }

    [Fact]
    public async Task Deadline_UnaryCallWithoutOne_GetsTheUnaryDefault()
    {
        await using var client = Client(options => options.UnaryDeadline = TimeSpan.FromSeconds(5));
        var before = DateTime.UtcNow;

        await client.Get<UserService.UserServiceClient>().GetUserAsync(new GetUserRequest { Id = 1 }).ResponseAsync.DefaultTimeout();

        var deadline = Assert.Single(_server.Recorder.Calls).Deadline;
        // The deadline travels as a timeout (grpc-timeout) and is rebuilt by the server, so allow a margin around 5 s.
        Assert.InRange(deadline - before, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(6));
    }

    [Fact]
    public async Task Deadline_StreamingCallWithoutOne_GetsTheStreamDefault()
    {
        await using var client = Client(options => options.StreamDeadline = TimeSpan.FromSeconds(30));
        var before = DateTime.UtcNow;

        using var call = client.Get<UserService.UserServiceClient>().StreamUsers(new StreamUsersRequest());
        await foreach (var _ in call.ResponseStream.ReadAllAsync().WithCancellation(CancellationToken.None))
        {
        }

        var deadline = Assert.Single(_server.Recorder.Calls).Deadline;
        Assert.InRange(deadline - before, TimeSpan.FromSeconds(29), TimeSpan.FromSeconds(31));
    }

    [Fact]
    public async Task Deadline_SetByCaller_IsKept()
    {
        await using var client = Client();
        var before = DateTime.UtcNow;

        await client.Get<UserService.UserServiceClient>().GetUserAsync(new GetUserRequest { Id = 1 }, deadline: before.AddMinutes(2)).ResponseAsync.DefaultTimeout();

        Assert.InRange(Assert.Single(_server.Recorder.Calls).Deadline - before, TimeSpan.FromSeconds(110), TimeSpan.FromSeconds(121));
    }

    [Fact]
    public async Task Logging_EachCall_LogsMethodStatusAndDuration()
    {
        _server.Recorder.Failures.Enqueue(StatusCode.NotFound);
        await using var client = Client();
        var users = client.Get<UserService.UserServiceClient>();

        await RpcAssert.FailsWithAsync(StatusCode.NotFound, () => users.GetUserAsync(new GetUserRequest { Id = 1 }).ResponseAsync);
        await users.GetUserAsync(new GetUserRequest { Id = 2 }).ResponseAsync.DefaultTimeout();

        lock (client.Logs)
        {
            Assert.Contains(client.Logs, line => line.StartsWith("Warning: gRPC /user.UserService/GetUser failed with NotFound in ", StringComparison.Ordinal) && line.EndsWith("recorded failure", StringComparison.Ordinal));
            Assert.Contains(client.Logs, line => line.StartsWith("Debug: gRPC /user.UserService/GetUser finished with OK in ", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Options_CertificateWithoutKey_FailValidationNamingTheSetting()
    {
        await using var client = Client(options => options.ClientCertificatePath = typeof(CallPolicyTests).Assembly.Location);

        var exception = Assert.Throws<OptionsValidationException>(() => client.Get<UserService.UserServiceClient>());

        Assert.Contains(exception.Failures, failure => failure.Contains("ClientKeyPath", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Options_MixedSchemesTooManyAttemptsAndNoReconnectBackoff_FailValidation()
    {
        await using var client = Client(options =>
        {
            options.Addresses.Add(new Uri("https://127.0.0.1:1"));
            options.MaxAttempts = 9;
            options.MaxReconnectBackoff = TimeSpan.Zero;
        });

        var exception = Assert.Throws<OptionsValidationException>(() => client.Get<UserService.UserServiceClient>());

        Assert.Contains(exception.Failures, failure => failure.Contains("same scheme", StringComparison.Ordinal));
        Assert.Contains(exception.Failures, failure => failure.Contains("MaxAttempts", StringComparison.Ordinal));
        Assert.Contains(exception.Failures, failure => failure.Contains("MaxReconnectBackoff", StringComparison.Ordinal));
    }

    private ClientTestHost Client(Action<UserSystemClientOptions>? configure = null) => new(options =>
    {
        options.Addresses.Add(_server.Address);
        options.InitialBackoff = TimeSpan.FromMilliseconds(10);
        options.MaxBackoff = TimeSpan.FromMilliseconds(50);
        configure?.Invoke(options);
    });
}

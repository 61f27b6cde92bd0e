using Grpc.Core;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Client.Tests;

public sealed class TlsTests : IDisposable
{
    private readonly TestCertificates _certificates = new();

    [Fact]
    public async Task PrivateCa_GivenAsCaCertificatePath_TrustsTheServer()
    {
        await using var server = await RecordingServer.StartAsync(_certificates);
        await using var client = Client(server, options => options.CaCertificatePath = _certificates.CaPath);

        var user = await client.Get<UserService.UserServiceClient>().GetUserAsync(new GetUserRequest { Id = 3 }).ResponseAsync.DefaultTimeout();

        Assert.Equal(3, user.Id);
    }

    [Fact]
    public async Task PrivateCa_NotGiven_RejectsTheServerCertificate()
    {
        await using var server = await RecordingServer.StartAsync(_certificates);
        await using var client = Client(server, options => options.MaxAttempts = 1);

        // grpc-dotnet reports a failed TLS handshake as INTERNAL ("The SSL connection could not be established").
        var exception = await RpcAssert.FailsWithAsync(StatusCode.Internal, () => client.Get<UserService.UserServiceClient>().GetUserAsync(new GetUserRequest { Id = 1 }).ResponseAsync);

        Assert.Contains("SSL", exception.Status.Detail, StringComparison.Ordinal);
        Assert.Empty(server.Recorder.Calls);
    }

    [Fact]
    public async Task MutualTls_ClientCertificateAndKey_ArePresentedToTheServer()
    {
        await using var server = await RecordingServer.StartAsync(_certificates, requireClientCertificate: true);
        await using var client = Client(server, options =>
        {
            options.CaCertificatePath = _certificates.CaPath;
            options.ClientCertificatePath = _certificates.ClientCertificatePath;
            options.ClientKeyPath = _certificates.ClientKeyPath;
        });

        await client.Get<UserService.UserServiceClient>().GetUserAsync(new GetUserRequest { Id = 1 }).ResponseAsync.DefaultTimeout();

        Assert.Equal("CN=test-client", Assert.Single(server.Recorder.ClientCertificateSubjects));
    }

    [Fact]
    public async Task MutualTls_NoClientCertificate_IsRefusedByTheServer()
    {
        await using var server = await RecordingServer.StartAsync(_certificates, requireClientCertificate: true);
        await using var client = Client(server, options =>
        {
            options.CaCertificatePath = _certificates.CaPath;
            options.MaxAttempts = 1;
        });

        await Assert.ThrowsAsync<RpcException>(() => client.Get<UserService.UserServiceClient>().GetUserAsync(new GetUserRequest { Id = 1 }).ResponseAsync.DefaultTimeout());

        Assert.Empty(server.Recorder.Calls);
    }

    public void Dispose() => _certificates.Dispose();

    private static ClientTestHost Client(RecordingServer server, Action<UserSystemClientOptions> configure) => new(options =>
    {
        options.Addresses.Add(server.Address);
        configure(options);
    });
}

using UserSystem.Contracts;

namespace UserSystem.Client.Tests;

/// <summary>The client library refuses to send a bearer token over http:// to an address that is not loopback, unless told to.</summary>
public sealed class TokenTransportTests
{
    [Theory]
    [InlineData("http://192.0.2.10:50051")]
    [InlineData("http://users.example.com:50051")]
    [InlineData("http://[2001:db8::1]:50051")]
    public void Token_OverPlaintextToANonLoopbackAddress_IsRefusedBeforeAnyConnection(string address)
    {
        var options = new UserSystemClientOptions { Addresses = { new Uri(address) } }.UseToken("secret-token");

        var exception = Assert.Throws<ArgumentException>(() => UserSystemChannelFactory.Create(options));

        Assert.Contains("would be sent in clear text", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-token", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Token_OverPlaintext_WhenExplicitlyAllowed_IsAccepted()
    {
        var options = new UserSystemClientOptions { Addresses = { new Uri("http://192.0.2.10:50051") }, AllowTokenOverPlaintext = true }.UseToken("t");

        using var channel = UserSystemChannelFactory.Create(options);

        Assert.NotNull(channel);
    }

    [Fact]
    public void NoToken_OverPlaintextToANonLoopbackAddress_IsAccepted()
    {
        using var channel = UserSystemChannelFactory.Create(new UserSystemClientOptions { Addresses = { new Uri("http://192.0.2.10:50051") } });

        Assert.NotNull(channel);
    }

    [Fact]
    public async Task Token_OverPlaintextToLoopback_IsSent()
    {
        await using var server = await RecordingServer.StartAsync();
        var options = new UserSystemClientOptions { Addresses = { server.Address } }.UseToken("loopback-token");
        using var channel = UserSystemChannelFactory.Create(options);

        await new UserService.UserServiceClient(channel).GetUserAsync(new GetUserRequest { Id = 1 }).ResponseAsync.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Contains(server.Recorder.Calls, call => call.Authorization == "Bearer loopback-token");
    }
}

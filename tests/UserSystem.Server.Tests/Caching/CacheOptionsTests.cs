using UserSystem.Server.Caching;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Caching;

/// <summary>A bad <c>Cache</c> section stops the server at start with a message that names the setting.</summary>
public sealed class CacheOptionsTests
{
    [Theory]
    [InlineData("Cache:ExpirationSeconds=0", "Cache:ExpirationSeconds")]
    [InlineData("Cache:Redis=localhost:6379,notAnOption=1", "Cache:Redis is not a valid StackExchange.Redis connection string")]
    [InlineData("Cache:Redis=,password=secret", "Cache:Redis must name at least one host:port")]
    public async Task BadSetting_StopsTheStart_NamingIt(string setting, string message)
    {
        var exception = await Assert.ThrowsAnyAsync<Exception>(async () => await (await TestServer.StartAsync(databasePath: null, setting)).DisposeAsync());

        Assert.Contains(message, exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RedisWithTheCacheDisabled_IsRefused()
    {
        var result = new CacheOptionsValidator().Validate(null, new CacheOptions { Enabled = false, Redis = "localhost:6379" });

        Assert.True(result.Failed);
        Assert.Contains("Cache:Enabled is false", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_AreValid_AndUseNoRedis()
    {
        var options = new CacheOptions();

        Assert.True(new CacheOptionsValidator().Validate(null, options).Succeeded);
        Assert.True(options.Enabled);
        Assert.False(options.UsesRedis);
    }
}

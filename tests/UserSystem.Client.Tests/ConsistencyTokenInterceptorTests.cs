using UserSystem.Contracts;

namespace UserSystem.Client.Tests;

/// <summary>Which token the client library keeps (the end-to-end send is in the server tests, on PostgreSQL).</summary>
public sealed class ConsistencyTokenInterceptorTests
{
    [Fact]
    public void Remember_AnOlderTokenAfterANewerOne_KeepsTheNewer()
    {
        var tokens = new ConsistencyTokenInterceptor();

        tokens.Remember(new ConsistencyToken(9, 200).Format());
        tokens.Remember(new ConsistencyToken(9, 100).Format());

        Assert.Equal(new ConsistencyToken(9, 200).Format(), tokens.Current);
    }

    [Fact]
    public void Remember_ATokenOfAnotherCluster_ReplacesTheKeptOne()
    {
        var tokens = new ConsistencyTokenInterceptor();

        tokens.Remember(new ConsistencyToken(9, 200).Format());
        tokens.Remember(new ConsistencyToken(10, 5).Format());

        Assert.Equal(new ConsistencyToken(10, 5).Format(), tokens.Current);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("garbage!")]
    public void Remember_NoTokenOrAMalformedOne_KeepsWhatItHad(string? answer)
    {
        var tokens = new ConsistencyTokenInterceptor();
        tokens.Remember(new ConsistencyToken(9, 200).Format());

        tokens.Remember(answer);

        Assert.Equal(new ConsistencyToken(9, 200).Format(), tokens.Current);
    }

    [Fact]
    public void Remember_ConcurrentAnswersInAnyOrder_KeepsTheHighestPosition()
    {
        var tokens = new ConsistencyTokenInterceptor();

        Parallel.For(1, 5_001, lsn => tokens.Remember(new ConsistencyToken(9, (ulong)(5_001 - lsn)).Format()));

        Assert.Equal(new ConsistencyToken(9, 5_000).Format(), tokens.Current);
    }

    [Fact]
    public void Current_BeforeAnyAnswer_IsNull() => Assert.Null(new ConsistencyTokenInterceptor().Current);
}

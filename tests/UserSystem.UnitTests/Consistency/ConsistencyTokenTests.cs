using System.Buffers.Text;
using UserSystem.Contracts;
using UserSystem.Server.Consistency;

namespace UserSystem.UnitTests.Consistency;

public sealed class ConsistencyTokenTests
{
    [Theory]
    [InlineData(0UL, 0UL)]
    [InlineData(7_312_345_678_901_234_567UL, 0x1_6B37_4D48UL)]
    [InlineData(ulong.MaxValue, ulong.MaxValue)]
    public void Format_ThenParse_GivesTheSameClusterAndPosition(ulong systemId, ulong lsn)
    {
        var text = new ConsistencyToken(systemId, lsn).Format();

        Assert.True(ConsistencyToken.TryParse(text, out var parsed));
        Assert.Equal(new ConsistencyToken(systemId, lsn), parsed);
        Assert.True(text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'), text);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a token")]
    [InlineData("AQAAAAAAAAAHAAAAAAAAAA")] // 16 bytes: one short
    [InlineData("AQAAAAAAAAAHAAAAAAAAAAAB")] // 18 bytes: one too many
    [InlineData("Afv7+/v7+/v7AAAAAAAAAAA")] // base64, not base64url
    public void Parse_AnythingTheServiceDidNotWrite_IsRefused(string text) =>
        Assert.False(ConsistencyToken.TryParse(text, out _));

    [Fact]
    public void Parse_AnUnknownVersion_IsRefused()
    {
        var bytes = new byte[17];
        bytes[0] = 2;

        Assert.False(ConsistencyToken.TryParse(Base64Url.EncodeToString(bytes), out _));
    }

    [Fact]
    public void Parse_VeryLongText_IsRefusedWithoutDecoding() =>
        Assert.False(ConsistencyToken.TryParse(new string('A', 10_000), out _));

    [Fact]
    public void Scope_ObservesOnlyNewerPositions_StartingFromTheRequestedOne()
    {
        var scope = new ConsistencyScope(new ConsistencyToken(1, 500), ReadPreference.StandbyAtToken);

        scope.Observe(400);
        Assert.Equal(500UL, scope.Observed);
        scope.Observe(900);
        scope.Observe(600);
        Assert.Equal(900UL, scope.Observed);
    }

    [Fact]
    public void Scope_ConcurrentObservations_KeepTheHighest()
    {
        var scope = new ConsistencyScope(null, ReadPreference.Primary);

        Parallel.For(1, 10_001, lsn => scope.Observe((ulong)lsn));

        Assert.Equal(10_000UL, scope.Observed);
    }
}

using UserSystem.Server.Rpc;

namespace UserSystem.UnitTests.Rpc;

public sealed class EtagTests
{
    [Fact]
    public void Etag_IsVAndTheVersion() => Assert.Equal("v12", Etags.For(12));

    [Fact]
    public void NoEtag_ExpectsNoVersion() => Assert.Null(Etags.ExpectedVersion(""));

    [Theory]
    [InlineData(1)]
    [InlineData(long.MaxValue)]
    public void Etag_RoundTrips(long version) => Assert.Equal(version, Etags.ExpectedVersion(Etags.For(version)));

    [Theory]
    [InlineData("12")]
    [InlineData("v")]
    [InlineData("vx")]
    [InlineData("v-1")]
    [InlineData("v 1")]
    [InlineData("V1")]
    public void MalformedEtag_MatchesNoVersion(string etag) => Assert.Equal(-1, Etags.ExpectedVersion(etag));
}

using System.Net;
using UserSystem.Server.Security;

namespace UserSystem.UnitTests.Security;

/// <summary>The key an address is limited by: IPv4 as it is, IPv6 by its /64.</summary>
public sealed class PeerAddressTests
{
    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    [InlineData("::1", "::/64")]
    public void Address_IsKeyedByHostOrSlash64(string address, string key) =>
        Assert.Equal(key, PeerAddress.KeyOf(IPAddress.Parse(address)));

    [Fact]
    public void NoAddress_IsOneKeyOfItsOwn() => Assert.Equal("unknown", PeerAddress.KeyOf((IPAddress?)null));
}

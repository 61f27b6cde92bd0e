using Microsoft.Extensions.Logging.Abstractions;
using UserSystem.Server.Caching;

namespace UserSystem.UnitTests.Caching;

public sealed class UserCacheNoticesTests
{
    private readonly SettableTime _time = new();
    private readonly InvalidationClock _clock;
    private readonly UserCacheNotices _notices;

    public UserCacheNoticesTests()
    {
        _clock = new InvalidationClock(_time) { IsFollowing = true };
        _notices = new UserCacheNotices(_clock, NullLogger<UserCacheNotices>.Instance);
    }

    [Fact]
    public void NotListening_BypassesTheCache_UntilListeningAgain()
    {
        _notices.NotListening();
        Assert.False(_clock.IsTrusted);

        _notices.Listening();
        Assert.True(_clock.IsTrusted);
    }

    [Fact]
    public void ListeningAgain_RefusesEverythingReadBefore()
    {
        var readAt = _clock.Now();
        _notices.NotListening();
        _time.Advance(TimeSpan.FromMilliseconds(1));

        _notices.Listening();

        Assert.False(_clock.IsCurrent(1, readAt));
        Assert.False(_clock.IsCurrent(99, readAt));
    }

    [Fact]
    public void ChangedUsers_AreRefused_AndOthersStayCurrent()
    {
        var readAt = _clock.Now();
        _time.Advance(TimeSpan.FromMilliseconds(1));

        _notices.Changed([3, 5]);

        Assert.False(_clock.IsCurrent(3, readAt));
        Assert.False(_clock.IsCurrent(5, readAt));
        Assert.True(_clock.IsCurrent(4, readAt));
    }

    [Fact]
    public void EverythingChanged_RefusesEveryEarlierRead()
    {
        var readAt = _clock.Now();
        _time.Advance(TimeSpan.FromMilliseconds(1));

        _notices.EverythingChanged();

        Assert.False(_clock.IsCurrent(4, readAt));
    }
}

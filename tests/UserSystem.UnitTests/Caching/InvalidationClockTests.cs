using UserSystem.Server.Caching;

namespace UserSystem.UnitTests.Caching;

public sealed class InvalidationClockTests
{
    private readonly SettableTime _time = new();
    private readonly InvalidationClock _clock;

    public InvalidationClockTests() => _clock = new InvalidationClock(_time);

    [Fact]
    public void ReadBeforeAnInvalidation_IsRefused_AndAReadAfterItIsCurrent()
    {
        var before = _clock.Now();
        _time.Advance(TimeSpan.FromMilliseconds(1));
        _clock.Invalidate(7);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.False(_clock.IsCurrent(7, before));
        Assert.True(_clock.IsCurrent(7, _clock.Now()));
    }

    [Fact]
    public void ReadStartedInTheSameTickAsTheInvalidation_IsRefused()
    {
        var readAt = _clock.Now();
        _clock.Invalidate(7);

        Assert.False(_clock.IsCurrent(7, readAt));
    }

    [Fact]
    public void Invalidation_RefusesOnlyItsStripe()
    {
        var readAt = _clock.Now();
        _time.Advance(TimeSpan.FromMilliseconds(1));
        _clock.Invalidate(7);

        Assert.False(_clock.IsCurrent(7 + InvalidationClock.StripeCount, readAt));
        Assert.True(_clock.IsCurrent(8, readAt));
    }

    [Fact]
    public void InvalidateAll_RefusesEveryEarlierRead()
    {
        var readAt = _clock.Now();
        _time.Advance(TimeSpan.FromMilliseconds(1));
        _clock.InvalidateAll();

        Assert.False(_clock.IsCurrent(1, readAt));
        Assert.False(_clock.IsCurrent(12_345, readAt));
    }

    [Theory]
    [InlineData(false, false, false)]
    [InlineData(true, false, true)]
    [InlineData(true, true, false)]
    [InlineData(false, true, false)]
    public void Trusted_OnlyWhileFollowingTheFeed_AndHearingEveryNotice(bool following, bool mayMissNotices, bool trusted)
    {
        _clock.IsFollowing = following;
        _clock.MayMissNotices = mayMissNotices;

        Assert.Equal(trusted, _clock.IsTrusted);
    }

    [Fact]
    public void ClockSteppedBack_DoesNotReviveEntriesReadBeforeTheInvalidation()
    {
        var readAt = _clock.Now();
        _time.Advance(TimeSpan.FromSeconds(10));
        _clock.Invalidate(7);
        _time.SetUtcNow(_time.GetUtcNow() - TimeSpan.FromSeconds(5));
        _clock.Invalidate(7);

        Assert.False(_clock.IsCurrent(7, readAt + TimeSpan.FromSeconds(6).Ticks));
    }
}

/// <summary>A wall clock the test moves, backwards too.</summary>
internal sealed class SettableTime : TimeProvider
{
    private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;

    public void SetUtcNow(DateTimeOffset now) => _now = now;
}

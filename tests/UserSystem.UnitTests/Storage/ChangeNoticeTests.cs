using System.Text;
using UserSystem.Server.Storage.Postgres;

namespace UserSystem.UnitTests.Storage;

public sealed class ChangeNoticeTests
{
    [Fact]
    public void IdsRoundTrip_ThroughOnePayload()
    {
        var payloads = new ChangeNotice([17, 42, int.MaxValue], false).ToPayloads();

        Assert.Equal(["17,42,2147483647"], payloads);
        Assert.Equal([17, 42, int.MaxValue], ChangeNotice.Parse(payloads[0]).UserIds);
        Assert.False(ChangeNotice.Parse(payloads[0]).Everything);
    }

    [Fact]
    public void NoIds_IsOneEmptyPayload_ThatNamesNobody()
    {
        Assert.Equal([""], ChangeNotice.None.ToPayloads());
        var parsed = ChangeNotice.Parse("");
        Assert.Empty(parsed.UserIds);
        Assert.False(parsed.Everything);
    }

    [Fact]
    public void ManyIds_SplitIntoPayloadsUnder8000Bytes_ThatTogetherNameEveryId()
    {
        var ids = Enumerable.Range(1_000_000_000, 5_000).ToArray();

        var payloads = new ChangeNotice(ids, false).ToPayloads();

        Assert.True(payloads.Count > 1);
        Assert.All(payloads, payload => Assert.True(Encoding.UTF8.GetByteCount(payload) < 8000));
        Assert.Equal(ids, payloads.SelectMany(payload => ChangeNotice.Parse(payload).UserIds));
    }

    [Fact]
    public void Everything_RoundTrips()
    {
        Assert.Equal([ChangeNotice.EverythingPayload], ChangeNotice.All.ToPayloads());
        Assert.True(ChangeNotice.Parse(ChangeNotice.EverythingPayload).Everything);
    }

    [Theory]
    [InlineData("hello")]
    [InlineData("1,,2")]
    [InlineData("-3")]
    [InlineData("99999999999")]
    public void PayloadNotWrittenByTheServer_MeansEverything(string payload)
    {
        Assert.True(ChangeNotice.Parse(payload).Everything);
    }

    [Fact]
    public void PendingChanges_CoalesceIds_AndTakeLeavesNothing()
    {
        var pending = new PendingChanges();
        pending.Add(5);
        pending.Add(5);
        pending.Add(9);

        Assert.Equal([5, 9], pending.Take().UserIds.Order());
        var empty = pending.Take();
        Assert.Empty(empty.UserIds);
        Assert.False(empty.Everything);
    }

    [Fact]
    public void PendingChanges_PastTheirBound_BecomeEverything()
    {
        var pending = new PendingChanges();
        for (var id = 1; id <= PendingChanges.MaxIds + 1; id++)
        {
            pending.Add(id);
        }

        var notice = pending.Take();
        Assert.True(notice.Everything);
        Assert.Empty(notice.UserIds);
    }

    [Fact]
    public void ReturnedNotice_IsSentAgain_WithWhatCameMeanwhile()
    {
        var pending = new PendingChanges();
        pending.Add(1);
        var failed = pending.Take();
        pending.Add(2);

        pending.Return(failed);

        Assert.Equal([1, 2], pending.Take().UserIds.Order());
    }

    [Fact]
    public void ReturnedEverything_StaysEverything()
    {
        var pending = new PendingChanges();
        pending.Add(3);

        pending.Return(ChangeNotice.All);

        Assert.True(pending.Take().Everything);
    }
}

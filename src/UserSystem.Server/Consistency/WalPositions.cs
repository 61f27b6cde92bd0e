namespace UserSystem.Server.Consistency;

/// <summary>WAL positions kept in a <see cref="long"/> for <see cref="Interlocked"/>, only ever raised.</summary>
internal static class WalPositions
{
    /// <summary>Raises <paramref name="stamp"/> to <paramref name="lsn"/> unless it is already there; safe under concurrency.</summary>
    public static void RaiseTo(ref long stamp, ulong lsn)
    {
        var current = Interlocked.Read(ref stamp);
        while ((ulong)current < lsn)
        {
            var seen = Interlocked.CompareExchange(ref stamp, (long)lsn, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}

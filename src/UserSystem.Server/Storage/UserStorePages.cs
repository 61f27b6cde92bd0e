using System.Runtime.CompilerServices;
using UserSystem.Server.Domain;

namespace UserSystem.Server.Storage;

/// <summary>Reading every user, page by page, for any <see cref="IUserStore"/>.</summary>
public static class UserStorePages
{
    /// <summary>
    /// Every user in id order, as keyset pages of <paramref name="pageSize"/>: memory stays flat
    /// however many users there are. The next page is read while the caller handles this one
    /// (on another thread: SQLite's async calls complete synchronously), so reading and writing
    /// overlap instead of taking turns.
    /// </summary>
    public static async IAsyncEnumerable<IReadOnlyList<UserAccount>> ReadAllPagesAsync(
        this IUserStore store, int pageSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var next = ReadPageAsync(afterId: 0);
        try
        {
            while (next is not null)
            {
                var page = await next;
                next = page.Count == pageSize ? ReadPageAsync(page[^1].Id) : null;
                yield return page;
            }
        }
        finally
        {
            // The caller stopped early (a write failed, the call was cancelled): let the read in
            // flight finish, unobserved.
            if (next is not null)
            {
                await next.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }

        Task<IReadOnlyList<UserAccount>> ReadPageAsync(int afterId) =>
            Task.Run(() => store.ListAfterAsync(afterId, pageSize, UserFilter.None, cancellationToken), cancellationToken);
    }
}

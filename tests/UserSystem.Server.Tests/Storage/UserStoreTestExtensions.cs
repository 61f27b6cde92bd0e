using UserSystem.Server.Domain;
using UserSystem.Server.Storage;
using UserSystem.Validation;

namespace UserSystem.Server.Tests.Storage;

/// <summary>The short forms the storage tests write: a change by nobody in particular, no request id.</summary>
internal static class UserStoreTestExtensions
{
    public static Task<UserAccount> CreateAsync(this IUserStore store, NewUser user, CancellationToken cancellationToken) =>
        store.CreateAsync(user, ChangeContext.None, null, cancellationToken);

    public static Task<BatchCreateResult> CreateBatchAsync(this IUserStore store, IAsyncEnumerable<NewUser> users, CancellationToken cancellationToken) =>
        store.CreateBatchAsync(users, ChangeContext.None, cancellationToken);

    public static Task<IReadOnlyList<UserAccount>> ListAfterAsync(this IUserStore store, int afterId, int limit, CancellationToken cancellationToken) =>
        store.ListAfterAsync(afterId, limit, UserFilter.None, cancellationToken);
}

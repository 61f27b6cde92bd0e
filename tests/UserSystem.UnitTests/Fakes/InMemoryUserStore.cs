using UserSystem.Server.Domain;
using UserSystem.Server.Storage;
using UserSystem.Validation;

namespace UserSystem.UnitTests.Fakes;

/// <summary>
/// An <see cref="IUserStore"/> in a dictionary, for testing the service's logic without a
/// database. It keeps the contract's observable rules (unique email keys, versions, etags, id
/// order, all-or-nothing batches); the engines prove the rest in the storage contract suite.
/// </summary>
internal sealed class InMemoryUserStore(TimeProvider time) : IUserStore
{
    private readonly SortedDictionary<int, UserAccount> _users = [];
    private readonly List<UserEvent> _events = [];
    private readonly Lock _lock = new();
    private int _nextId = 1;

    public InMemoryUserStore()
        : this(TimeProvider.System)
    {
    }

    public IReadOnlyList<UserEvent> Events
    {
        get
        {
            lock (_lock)
            {
                return [.. _events];
            }
        }
    }

    public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<UserAccount> CreateAsync(NewUser user, ChangeContext change, string? idempotencyKey, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(Insert(user, change, batchPosition: null));
        }
    }

    public async Task<BatchCreateResult> CreateBatchAsync(IAsyncEnumerable<NewUser> users, ChangeContext change, CancellationToken cancellationToken)
    {
        var items = new List<NewUser>();
        await foreach (var user in users.WithCancellation(cancellationToken))
        {
            items.Add(user);
        }

        lock (_lock)
        {
            var keys = _users.Values.Select(user => EmailKeys.For(user.Email)).ToHashSet(StringComparer.Ordinal);
            for (var i = 0; i < items.Count; i++)
            {
                if (!keys.Add(items[i].EmailKey))
                {
                    throw new DuplicateEmailException(i + 1);
                }
            }

            var created = items.Select((user, i) => Insert(user, change, i + 1)).ToList();
            return new BatchCreateResult(created.Count, created.Count == 0 ? [] : [new IdRange(created[0].Id, created[^1].Id)]);
        }
    }

    public Task<UserAccount> UpdateAsync(int id, UserChanges changes, long? expectedVersion, ChangeContext change, CancellationToken cancellationToken) =>
        Change(id, expectedVersion, change, UserEventKind.Updated, user =>
        {
            if (changes.EmailKey is { } key && _users.Values.Any(other => other.Id != id && EmailKeys.For(other.Email) == key))
            {
                throw new DuplicateEmailException();
            }

            return changes.ApplyTo(user);
        });

    public Task<UserAccount> SetStatusAsync(int id, AccountStatus status, long? expectedVersion, ChangeContext change, CancellationToken cancellationToken) =>
        Change(id, expectedVersion, change, UserEventKind.StatusChanged, user => user with { Status = status });

    public Task DeleteAsync(int id, long? expectedVersion, ChangeContext change, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var user = Current(id, expectedVersion);
            _users.Remove(id);
            Record(UserEventKind.Deleted, user, change);
            return Task.CompletedTask;
        }
    }

    public Task<UserAccount?> FindAsync(int id, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_users.GetValueOrDefault(id));
        }
    }

    public Task<UserPage> ListAsync(long offset, int limit, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(new UserPage([.. _users.Values.Skip((int)offset).Take(limit)], _users.Count));
        }
    }

    public Task<IReadOnlyList<UserAccount>> ListAfterAsync(int afterId, int limit, UserFilter filter, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<UserAccount> page = [.. _users.Values.Where(user => user.Id > afterId && Matches(user, filter)).Take(limit)];
            return Task.FromResult(page);
        }
    }

    public Task<IReadOnlyList<UserEvent>> ReadEventsAsync(long afterSequence, int limit, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<UserEvent> events = [.. _events.Where(change => change.Sequence > afterSequence).Take(limit)];
            return Task.FromResult(events);
        }
    }

    public Task WaitForEventsAsync(long afterSequence, TimeSpan maxWait, CancellationToken cancellationToken) => Task.Delay(maxWait, cancellationToken);

    public Task<EventLogEnd> GetEventLogEndAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var newest = _events.Count == 0 ? 0 : _events[^1].Sequence;
            return Task.FromResult(new EventLogEnd(newest, newest));
        }
    }

    // The service's logic never prunes; the engines' contract tests cover pruning.
    public Task<long> PruneEventsAsync(EventRetention retention, CancellationToken cancellationToken) => Task.FromResult(0L);

    public Task<long> CountPrunableEventsAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult((long)_events.Count);
        }
    }

    public Task<UserStats> GetStatsAsync(DateOnly firstDay, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var counts = Enum.GetValues<AccountStatus>().ToDictionary(status => status, status => (long)_users.Values.Count(user => user.Status == status));
            var days = _users.Values
                .GroupBy(user => DateOnly.FromDateTime(user.CreatedAt.UtcDateTime))
                .Where(day => day.Key >= firstDay)
                .OrderBy(day => day.Key)
                .Select(day => new DailyCount(day.Key, day.Count()))
                .ToList();
            return Task.FromResult(new UserStats(counts, days, _events.Count == 0 ? 0 : _events[^1].Sequence));
        }
    }


    public Task CheckHealthAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static bool Matches(UserAccount user, UserFilter filter) =>
        (filter.Status is null || user.Status == filter.Status)
        && (filter.EmailKeyPrefix is null || EmailKeys.For(user.Email).StartsWith(filter.EmailKeyPrefix, StringComparison.Ordinal))
        && (filter.NamePrefix is null || user.Name.StartsWith(filter.NamePrefix, StringComparison.Ordinal));

    private UserAccount Insert(NewUser user, ChangeContext change, int? batchPosition)
    {
        if (_users.Values.Any(other => EmailKeys.For(other.Email) == user.EmailKey))
        {
            throw new DuplicateEmailException(batchPosition);
        }

        var now = time.GetUtcNow();
        var account = new UserAccount(_nextId++, user.Name, user.Email, user.Age, user.Hobbies, AccountStatus.Active, now, now);
        _users[account.Id] = account;
        Record(UserEventKind.Created, account, change);
        return account;
    }

    private Task<UserAccount> Change(int id, long? expectedVersion, ChangeContext change, UserEventKind kind, Func<UserAccount, UserAccount> apply)
    {
        lock (_lock)
        {
            var current = Current(id, expectedVersion);
            var changed = apply(current);
            if (changed.HasSameFieldsAs(current))
            {
                return Task.FromResult(current);
            }

            changed = changed with { Version = current.Version + 1, UpdatedAt = time.GetUtcNow() };
            _users[id] = changed;
            Record(kind, changed, change);
            return Task.FromResult(changed);
        }
    }

    private UserAccount Current(int id, long? expectedVersion)
    {
        var user = _users.GetValueOrDefault(id) ?? throw new UserNotFoundException(id);
        return expectedVersion is null || expectedVersion == user.Version ? user : throw new StaleEtagException(id);
    }

    private void Record(UserEventKind kind, UserAccount user, ChangeContext change) =>
        _events.Add(new UserEvent(_events.Count + 1, kind, user.Id, change.Actor, change.RequestId, time.GetUtcNow(), user));
}

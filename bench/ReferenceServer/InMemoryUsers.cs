using Google.Protobuf.WellKnownTypes;
using UserSystem.Contracts;

namespace UserSystem.Bench.ReferenceServer;

/// <summary>Users 1..N made at start, shaped like the harness's seed on our server.</summary>
internal sealed class InMemoryUsers
{
    private readonly User[] _users;
    private readonly Lock _gate = new();
    private int _added;

    public InMemoryUsers(int count)
    {
        var now = Timestamp.FromDateTime(DateTime.UtcNow);
        _users = new User[count];
        for (var i = 0; i < count; i++)
        {
            _users[i] = Make(i + 1, $"Bench User {i + 1}", $"user{i + 1}@bench.example", 20 + (i % 50), ["reading", "chess"], now);
        }
    }

    public IReadOnlyList<User> All => _users;

    public User? Find(int id) => id >= 1 && id <= _users.Length ? _users[id - 1] : null;

    public User Add(CreateUserRequest request)
    {
        lock (_gate)
        {
            // Not kept: the reference only needs CreateUser to answer like a store would.
            _added++;
            return Make(_users.Length + _added, request.Name, request.Email, request.Age, request.Hobbies,
                Timestamp.FromDateTime(DateTime.UtcNow));
        }
    }

    private static User Make(int id, string name, string email, int age, IEnumerable<string> hobbies, Timestamp now)
    {
        var user = new User
        {
            Id = id, Name = name, Email = email, Age = age, Status = UserStatus.Active,
            CreateTime = now, UpdateTime = now, Etag = "v1",
        };
        user.Hobbies.Add(hobbies);
        return user;
    }
}

// The SQLite store alone, in process: CreateUser at N concurrent callers for S seconds, through
// the same group commit, synchronous=FULL and event rows as the server, without gRPC, auth or
// logging. What the server reaches at the same concurrency, divided by this, is the share of
// the store in a create. Usage: dotnet SqliteStore.dll [CALLERS (50)] [SECONDS (6)]
using System.Diagnostics;
using System.Globalization;
using UserSystem.Server.Domain;
using UserSystem.Server.Storage.Sqlite;
using UserSystem.Validation;

var callers = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 50;
var duration = TimeSpan.FromSeconds(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 6);
var directory = Directory.CreateTempSubdirectory("user-system-sqlite-store-");
try
{
    var store = new SqliteUserStore(Path.Combine(directory.FullName, "users.db"), TimeProvider.System);
    await using (store)
    {
        await store.InitializeAsync(CancellationToken.None);
        long created = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, callers).Select(caller => Task.Run(async () =>
        {
            for (var i = 0; clock.Elapsed < duration; i++)
            {
                var user = new NewUser("Bench User", $"c{caller}-{i}@example.com", 30, ["bench"]);
                await store.CreateAsync(user, new ChangeContext("bench", Guid.NewGuid().ToString()), null, CancellationToken.None);
                Interlocked.Increment(ref created);
            }
        })));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{{\"callers\":{callers},\"createsPerSecond\":{created / clock.Elapsed.TotalSeconds:F0}}}"));
    }
}
finally
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    directory.Delete(recursive: true);
}

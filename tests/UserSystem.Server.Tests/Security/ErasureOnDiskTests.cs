using System.Text;
using Microsoft.Data.Sqlite;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Security;

/// <summary>A deleted user's personal data leaves the SQLite file itself, not only the rows a query sees.</summary>
public sealed class ErasureOnDiskTests
{
    [Fact]
    public async Task DeletedUsersNameAndEmail_AreNotInTheDatabaseFile_AfterACheckpoint()
    {
        using var directory = new TempDirectory();
        var path = directory.File("users.db");
        await using var server = await TestServer.StartAsync(path);
        var marker = "Zq" + Guid.NewGuid().ToString("N");
        var email = $"{marker}@example.com";
        var user = (await server.Client.CreateUserAsync(new CreateUserRequest { Name = marker, Email = email, Age = 30 }).ResponseAsync.DefaultTimeout()).User;
        var kept = (await server.Client.CreateUserAsync(Users.NewRequest("Kept")).ResponseAsync.DefaultTimeout()).User;

        await server.Client.DeleteUserAsync(new DeleteUserRequest { Id = user.Id }).ResponseAsync.DefaultTimeout();
        // Move every page from the write-ahead log into the file and empty the log.
        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            await checkpoint.ExecuteNonQueryAsync();
        }

        var file = Encoding.ASCII.GetString(await File.ReadAllBytesAsync(path));
        Assert.DoesNotContain(marker, file, StringComparison.Ordinal);
        Assert.Contains(kept.Email, file, StringComparison.Ordinal);
    }
}

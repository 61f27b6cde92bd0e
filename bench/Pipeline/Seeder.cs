using Grpc.Core;
using UserSystem.Contracts;

namespace UserSystem.Bench.Pipeline;

/// <summary>Fills our server's store with the same users the reference makes in memory.</summary>
internal static class Seeder
{
    public static async Task SeedAsync(ServerProcess server, string bearer, int count)
    {
        var client = new UserService.UserServiceClient(server.Channel);
        var headers = new Metadata { { "authorization", "Bearer " + bearer } };
        var existing = await client.ListUsersAsync(new ListUsersRequest { Limit = 1 }, headers);
        if (existing.Total >= count)
        {
            return;
        }

        using var call = client.CreateBatchUsers(headers);
        for (var i = (int)existing.Total; i < count; i++)
        {
            var request = new CreateUserRequest { Name = $"Bench User {i + 1}", Email = $"user{i + 1}@bench.example", Age = 20 + (i % 50) };
            request.Hobbies.Add(["reading", "chess"]);
            await call.RequestStream.WriteAsync(request);
        }

        await call.RequestStream.CompleteAsync();
        var response = await call;
        Console.WriteLine($"  seeded: {response.Message}");
    }
}

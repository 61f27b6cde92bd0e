using Grpc.Core;
using UserSystem.Contracts;

namespace UserSystem.Bench.ReferenceServer;

/// <summary>The RPCs the benchmark drives, at grpc-dotnet's own cost; the rest stay unimplemented.</summary>
internal sealed class ReferenceUserService(InMemoryUsers users) : UserService.UserServiceBase
{
    public override Task<User> GetUser(GetUserRequest request, ServerCallContext context) =>
        users.Find(request.Id) is { } user
            ? Task.FromResult(user)
            : throw new RpcException(new Status(StatusCode.NotFound, $"User {request.Id} was not found"));

    public override Task<CreateUserResponse> CreateUser(CreateUserRequest request, ServerCallContext context) =>
        Task.FromResult(new CreateUserResponse { User = users.Add(request), Message = "user created successfully", CreatedCount = 1 });

    public override async Task StreamUsers(StreamUsersRequest request, IServerStreamWriter<User> responseStream, ServerCallContext context)
    {
        foreach (var user in users.All)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            await responseStream.WriteAsync(user);
        }
    }
}

using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using UserSystem.Contracts;
using UserSystem.Server.Domain;
using UserSystem.Server.Hosting;
using UserSystem.Server.Security;
using UserSystem.Server.Storage;

namespace UserSystem.Server.Rpc;

/// <summary>
/// <c>user.UserService</c>: each method validates, calls the store and maps. Failures are thrown
/// as domain exceptions; <see cref="Interceptors.ErrorMappingInterceptor"/> turns them into statuses.
/// Every method needs an authenticated caller (class attribute); each names its policy.
/// </summary>
[Authorize]
public sealed class UserGrpcService(IUserStore store, IOptions<LimitsOptions> limits) : UserService.UserServiceBase
{
    private readonly LimitsOptions _limits = limits.Value;

    [Authorize(Policy = AuthPolicies.Admin)]
    public override async Task<CreateUserResponse> CreateUser(CreateUserRequest request, ServerCallContext context)
    {
        var user = await store.CreateAsync(UserRequestValidation.ToValidNewUser(request), context.CancellationToken);
        return new CreateUserResponse
        {
            User = user.ToContract(),
            Message = "user created successfully",
            CreatedCount = 1,
            CreatedIds = { new Contracts.IdRange { First = user.Id, Last = user.Id } },
        };
    }

    [Authorize(Policy = AuthPolicies.SelfOrAdmin)]
    public override async Task<User> GetUser(GetUserRequest request, ServerCallContext context)
    {
        if (request.Id <= 0)
        {
            throw InvalidInputException.ForField("id", "must be a positive number");
        }

        var user = await store.FindAsync(request.Id, context.CancellationToken);
        context.GetCaller().EnsureSelfOrAdmin(request.Id, user?.Email);
        if (user is null)
        {
            throw new UserNotFoundException(request.Id);
        }

        return user.Status == AccountStatus.Suspended ? throw new UserSuspendedException(user.Id) : user.ToContract();
    }

    [Authorize(Policy = AuthPolicies.Admin)]
    public override async Task<ListUsersResponse> ListUsers(ListUsersRequest request, ServerCallContext context)
    {
        if (request.Page < 0)
        {
            throw InvalidInputException.ForField("page", "must be zero or greater");
        }

        var limit = request.Limit <= 0 ? _limits.DefaultPageSize : Math.Min(request.Limit, _limits.MaxPageSize);
        var page = await store.ListAsync((long)request.Page * limit, limit, context.CancellationToken);
        return new ListUsersResponse
        {
            Users = { page.Users.Select(user => user.ToContract()) },
            Total = (int)Math.Min(page.Total, int.MaxValue),
            Page = request.Page,
        };
    }

    [Authorize(Policy = AuthPolicies.Admin)]
    public override async Task StreamUsers(StreamUsersRequest request, IServerStreamWriter<User> responseStream, ServerCallContext context)
    {
        if (request.DelaySeconds < 0 || request.DelaySeconds > _limits.MaxStreamDelaySeconds)
        {
            throw InvalidInputException.ForField("delay_seconds", $"must be between 0 and {_limits.MaxStreamDelaySeconds}");
        }

        var delay = TimeSpan.FromSeconds(request.DelaySeconds);
        var cancellationToken = context.CancellationToken;
        var sent = 0;
        // Keyset pages: memory stays flat however many users there are.
        IReadOnlyList<UserAccount> page;
        var afterId = 0;
        do
        {
            page = await store.ListAfterAsync(afterId, _limits.StreamReadPageSize, cancellationToken);
            foreach (var user in page)
            {
                if (sent++ > 0 && delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay, cancellationToken);
                }

                await responseStream.WriteAsync(user.ToContract(), cancellationToken);
                afterId = user.Id;
            }
        }
        while (page.Count == _limits.StreamReadPageSize);
    }

    [Authorize(Policy = AuthPolicies.Admin)]
    public override async Task<CreateUserResponse> CreateBatchUsers(IAsyncStreamReader<CreateUserRequest> requestStream, ServerCallContext context)
    {
        var result = await store.CreateBatchAsync(requestStream.ReadValidNewUsersAsync(context.CancellationToken), context.CancellationToken);
        return new CreateUserResponse
        {
            Message = $"{result.Count} users created",
            CreatedCount = result.Count,
            CreatedIds = { result.Ids.Select(range => range.ToContract()) },
        };
    }

    [Authorize(Policy = AuthPolicies.Admin)]
    public override async Task ChatWithUsers(IAsyncStreamReader<CreateUserRequest> requestStream, IServerStreamWriter<User> responseStream, ServerCallContext context)
    {
        // Each user is stored before it is sent back; a failing item ends the call and
        // leaves the earlier ones created, as the seed does.
        await foreach (var request in requestStream.ReadAllAsync(context.CancellationToken))
        {
            var user = await store.CreateAsync(UserRequestValidation.ToValidNewUser(request), context.CancellationToken);
            await responseStream.WriteAsync(user.ToContract(), context.CancellationToken);
        }
    }
}

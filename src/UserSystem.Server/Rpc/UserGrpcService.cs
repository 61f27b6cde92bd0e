using System.Globalization;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using UserSystem.Contracts;
using UserSystem.Server.Caching;
using UserSystem.Server.Domain;
using UserSystem.Server.Hosting;
using UserSystem.Server.Observability;
using UserSystem.Server.Security;
using UserSystem.Server.Storage;

namespace UserSystem.Server.Rpc;

/// <summary>
/// <c>user.UserService</c>: each method validates, calls the store and maps. Failures are thrown
/// as domain exceptions; <see cref="Interceptors.ErrorMappingInterceptor"/> turns them into statuses.
/// Every method needs an authenticated caller (class attribute); each names its policy.
/// </summary>
[Authorize]
public sealed class UserGrpcService(
    IUserStore store,
    [FromKeyedServices(CachingUserStore.Uncached)] IUserStore uncachedStore,
    SelfChangeLimiter selfChanges,
    UserSystemMetrics metrics,
    IOptions<LimitsOptions> limits,
    EventTail tail,
    TimeProvider time)
    : UserService.UserServiceBase
{
    /// <summary>WatchUsers response header: the event id the stream starts after.</summary>
    public const string WatchStartHeader = "watch-start-event-id";

    private readonly LimitsOptions _limits = limits.Value;

    [Authorize(Policy = AuthPolicies.Admin)]
    public override async Task<CreateUserResponse> CreateUser(CreateUserRequest request, ServerCallContext context)
    {
        var newUser = UserRequestValidation.ToValidNewUser(request);
        var change = context.GetChangeContext();
        var idempotencyKey = UserRequestValidation.ToValidIdempotencyKey(request);
        var user = await store.CreateAsync(newUser, change, idempotencyKey, context.CancellationToken);
        metrics.UsersCreated(1);
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

        // The cache holds data only: the owner check and the status check run on every call. A
        // caller bound by email is checked against the store: whoever could write the shared
        // cache (Redis) could otherwise put their own address on someone else's user.
        var caller = context.GetCaller();
        var user = caller.IsAdmin || caller.UserId is not null
            ? await store.FindAsync(request.Id, context.CancellationToken)
            : await uncachedStore.FindAsync(request.Id, context.CancellationToken);
        caller.EnsureSelfOrAdmin(request.Id, user?.Email);
        if (user is null)
        {
            throw new UserNotFoundException(request.Id);
        }

        // An admin may opt in to see a suspended user (to review or reactivate it); nobody else can.
        var mayReadSuspended = request.IncludeSuspended && caller.IsAdmin;
        return user.Status == AccountStatus.Suspended && !mayReadSuspended ? throw new UserSuspendedException(user.Id) : user.ToContract();
    }

    [Authorize(Policy = AuthPolicies.Admin)]
    public override async Task<ListUsersResponse> ListUsers(ListUsersRequest request, ServerCallContext context)
    {
        if (request.UsesTokenPaging())
        {
            return await ListUsersByTokenAsync(request, context.CancellationToken);
        }

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
        // Within a page messages are written without a flush each (BufferHint); the page's last
        // one flushes, which is where HTTP/2 flow control and a slow reader hold the stream back.
        // With a delay, each flushes. JSON transcoding's writer (REST) has no write options; it
        // writes each line as it comes.
        var buffered = context.GetHttpContext().Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true
            ? new WriteOptions(WriteFlags.BufferHint)
            : null;
        await foreach (var page in store.ReadAllPagesAsync(_limits.StreamReadPageSize, cancellationToken))
        {
            for (var i = 0; i < page.Count; i++)
            {
                if (sent++ > 0 && delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay, cancellationToken);
                }

                if (buffered is not null)
                {
                    responseStream.WriteOptions = delay == TimeSpan.Zero && i < page.Count - 1 ? buffered : null;
                }

                await responseStream.WriteAsync(page[i].ToContract(), cancellationToken);
            }
        }
    }

    [Authorize(Policy = AuthPolicies.Admin)]
    public override async Task<CreateUserResponse> CreateBatchUsers(IAsyncStreamReader<CreateUserRequest> requestStream, ServerCallContext context)
    {
        // Once the whole input is read the batch is at its commit point: a server stop or the
        // stream-duration cap no longer cancels it, so it commits and is answered with its result.
        var users = StreamCommitPoint.CommitAtEnd(requestStream.ReadValidNewUsersAsync(_limits.MaxBatchSize, context.CancellationToken), context);
        var result = await store.CreateBatchAsync(users, context.GetChangeContext(), context.CancellationToken);
        metrics.UsersCreated(result.Count);
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
        // leaves the earlier ones created, as the seed does. A chat counts against the same
        // per-call item limit as a batch, so one call cannot create users without end.
        var items = 0;
        await foreach (var request in requestStream.ReadAllAsync(context.CancellationToken))
        {
            if (++items > _limits.MaxBatchSize)
            {
                throw InvalidInputException.ForField("batch",
                    $"holds more than the maximum of {_limits.MaxBatchSize} items per call (Limits:MaxBatchSize); the first {_limits.MaxBatchSize} were created and answered, send the rest in a new call");
            }

            var newUser = UserRequestValidation.ToValidNewUser(request);
            // An item read is stored and answered even if the server stops meanwhile; the stop
            // then ends the call before the next item, saying which users were created.
            using var commit = StreamCommitPoint.Enter(context);
            var user = await store.CreateAsync(newUser, context.GetChangeContext(), null, context.CancellationToken);
            metrics.UsersCreated(1);
            // A client that stopped reading cannot hold an ending call open: the answer has a timeout then.
            await responseStream.WriteAsync(user.ToContract(), commit.AnswerToken);
            commit.Complete();
        }
    }

    [Authorize(Policy = AuthPolicies.SelfOrAdmin)]
    public override async Task<User> UpdateUser(UpdateUserRequest request, ServerCallContext context)
    {
        var changes = UserUpdateRequests.ToValidChanges(request);
        // The checks below need the user as it is now, not as cached.
        var current = await uncachedStore.FindAsync(request.User.Id, context.CancellationToken);
        var caller = context.GetCaller();
        caller.EnsureSelfOrAdmin(request.User.Id, current?.Email);
        caller.EnsureMayChangeSelf(current, changes);
        selfChanges.EnsureMayChange(caller, request.User.Id);
        // The self-service checks held for the user as read: a non-admin's write is bound to that
        // version, so a suspension committed in between makes it ABORTED instead of landing.
        var expectedVersion = Etags.ExpectedVersion(request.User.Etag) ?? (caller.IsAdmin ? null : current?.Version);
        var user = await store.UpdateAsync(
            request.User.Id, changes, expectedVersion, context.GetChangeContext(), context.CancellationToken);
        return user.ToContract();
    }

    [Authorize(Policy = AuthPolicies.Admin)]
    public override async Task<User> SetUserStatus(SetUserStatusRequest request, ServerCallContext context)
    {
        if (request.Id <= 0)
        {
            throw InvalidInputException.ForField("id", "must be a positive number");
        }

        // INACTIVE is the enum's zero value: only a status the caller actually sent may set it.
        if (!request.HasStatus)
        {
            throw InvalidInputException.ForField("status", "is required (INACTIVE, ACTIVE or SUSPENDED)");
        }

        if (!Enum.IsDefined((AccountStatus)request.Status))
        {
            throw InvalidInputException.ForField("status", "is not a known status");
        }

        var user = await store.SetStatusAsync(
            request.Id, (AccountStatus)request.Status, Etags.ExpectedVersion(request.Etag), context.GetChangeContext(), context.CancellationToken);
        return user.ToContract();
    }

    [Authorize(Policy = AuthPolicies.Admin)]
    public override async Task<Google.Protobuf.WellKnownTypes.Empty> DeleteUser(DeleteUserRequest request, ServerCallContext context)
    {
        if (request.Id <= 0)
        {
            throw InvalidInputException.ForField("id", "must be a positive number");
        }

        await store.DeleteAsync(request.Id, Etags.ExpectedVersion(request.Etag), context.GetChangeContext(), context.CancellationToken);
        return new Google.Protobuf.WellKnownTypes.Empty();
    }

    [Authorize(Policy = AuthPolicies.Admin)]
    public override async Task WatchUsers(WatchUsersRequest request, IServerStreamWriter<Contracts.UserEvent> responseStream, ServerCallContext context)
    {
        if (request.SinceEventId < 0)
        {
            throw InvalidInputException.ForField("since_event_id", "must be zero or greater");
        }

        if (request.FromNow && request.SinceEventId != 0)
        {
            throw InvalidInputException.ForField("since_event_id", "must be 0 with from_now");
        }

        var after = request.FromNow ? (await store.GetEventLogEndAsync(context.CancellationToken)).Readable : request.SinceEventId;
        // Headers at once, not with the first event: the client knows the stream has started (and
        // from where: a from_now watcher that drops before any event resumes from this id).
        await context.WriteResponseHeadersAsync(new Metadata { { WatchStartHeader, after.ToString(CultureInfo.InvariantCulture) } });
        // Runs until the client cancels or the server stops: history first, then live changes.
        await foreach (var change in store.FollowEventsAsync(after, time, tail, context.CancellationToken))
        {
            await responseStream.WriteAsync(change.ToContract(), context.CancellationToken);
        }
    }

    [Authorize(Policy = AuthPolicies.Admin)]
    public override async Task<GetUserStatsResponse> GetUserStats(GetUserStatsRequest request, ServerCallContext context)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var firstDay = UserStatsRequests.FirstDay(request, today);
        var stats = await store.GetStatsAsync(firstDay, context.CancellationToken);
        return stats.ToContract(firstDay, today);
    }

    private async Task<ListUsersResponse> ListUsersByTokenAsync(ListUsersRequest request, CancellationToken cancellationToken)
    {
        var filter = UserListRequests.ToValidFilter(request);
        var pageSize = request.PageSize <= 0 ? _limits.DefaultPageSize : Math.Min(request.PageSize, _limits.MaxPageSize);
        // One extra row tells whether another page follows, so the last page has no token.
        var users = await store.ListAfterAsync(UserListRequests.AfterId(request.PageToken, filter), pageSize + 1, filter, cancellationToken);
        var page = users.Take(pageSize).ToList();
        return new ListUsersResponse
        {
            Users = { page.Select(user => user.ToContract()) },
            NextPageToken = users.Count > pageSize ? UserListRequests.NextPageToken(page[^1].Id, filter) : "",
        };
    }
}

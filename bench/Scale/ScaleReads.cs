using System.Globalization;
using Grpc.Core;
using UserSystem.Contracts;

namespace UserSystem.Bench.Scale;

/// <summary>The reads the scale curve times, each as one call.</summary>
internal static class ScaleReads
{
    private const int PageSize = 10;

    public static IReadOnlyList<(string Name, Func<Task> Read)> For(UserService.UserServiceClient client, Metadata headers, int users)
    {
        var random = new Random(1);
        var lastPage = (users - 1) / PageSize;
        // Matches user999, user9990-user9999 at 10,000 users; user99999, user999990-user999999 at
        // 1,000,000: eleven users, all but one among the newest.
        var latePrefix = "user" + (users - 1).ToString(CultureInfo.InvariantCulture)[..^1];
        return
        [
            // An active user: GetUser refuses a suspended one (PERMISSION_DENIED).
            ("GetUser (random id)", () => client.GetUserAsync(new GetUserRequest { Id = random.Next(1, users - ScaleData.Suspended + 1) }, headers).ResponseAsync),
            ("ListUsers seed page 0", () => client.ListUsersAsync(new ListUsersRequest { Page = 0, Limit = PageSize }, headers).ResponseAsync),
            ($"ListUsers seed page {lastPage:N0} (the last)", () => client.ListUsersAsync(new ListUsersRequest { Page = lastPage, Limit = PageSize }, headers).ResponseAsync),
            ("ListUsers token, no filter", () => client.ListUsersAsync(new ListUsersRequest { PageSize = PageSize }, headers).ResponseAsync),
            ("ListUsers token, status SUSPENDED (newest)", () => client.ListUsersAsync(new ListUsersRequest { PageSize = PageSize, StatusFilter = UserStatus.Suspended }, headers).ResponseAsync),
            ($"ListUsers token, email_prefix {latePrefix}", () => client.ListUsersAsync(new ListUsersRequest { PageSize = PageSize, EmailPrefix = latePrefix }, headers).ResponseAsync),
            ("GetUserStats 30 days", () => client.GetUserStatsAsync(new GetUserStatsRequest { Days = 30 }, headers).ResponseAsync),
            ("GetUserStats 366 days", () => client.GetUserStatsAsync(new GetUserStatsRequest { Days = 366 }, headers).ResponseAsync),
        ];
    }
}

using System.CommandLine;
using System.Globalization;
using UserSystem.Cli.Hosting;
using UserSystem.Cli.Output;
using UserSystem.Contracts;

namespace UserSystem.Cli.Commands;

/// <summary>`users list`: one page of ListUsers, by page number or (with a filter or token) by page token.</summary>
internal static class ListCommand
{
    public static Command Create(CommandRunner runner)
    {
        var page = new Option<int>("--page", "-p") { Description = "Zero-based page number", DefaultValueFactory = _ => 0 };
        var limit = new Option<int>("--limit", "-l") { Description = "Users per page (the server caps it at 100)", DefaultValueFactory = _ => 10 };
        var status = new Option<UserStatus?>("--status") { Description = "Only users with this status (pages by token)" };
        var emailPrefix = new Option<string>("--email-prefix") { Description = "Only users whose email starts with this, regardless of case (pages by token)" };
        var namePrefix = new Option<string>("--name-prefix") { Description = "Only users whose name starts with this, case-sensitive (pages by token)" };
        var pageSize = new Option<int>("--page-size") { Description = "Users per page when paging by token (the server caps it at 100)" };
        var pageToken = new Option<string>("--page-token") { Description = "The next page token a previous list printed, with the same filters" };
        var command = new Command("list", "List users, one page at a time, in id order.") { page, limit, status, emailPrefix, namePrefix, pageSize, pageToken };
        runner.SetAction(command, async (parse, session, cancellationToken) =>
        {
            var tokenOptions = new Option[] { status, emailPrefix, namePrefix, pageSize, pageToken };
            var byToken = tokenOptions.Any(option => parse.GetResult(option) is not null);
            // The server ignores page/limit in token paging; refusing the mix beats silently dropping them.
            if (byToken && (parse.GetResult(page) is { Implicit: false } || parse.GetResult(limit) is { Implicit: false }))
            {
                throw new UsageException("--page/--limit page by number and cannot be combined with --page-size, --page-token or a filter.");
            }

            var request = new ListUsersRequest
            {
                Page = parse.GetValue(page),
                Limit = parse.GetValue(limit),
                PageSize = parse.GetValue(pageSize),
                PageToken = parse.GetValue(pageToken) ?? string.Empty,
                EmailPrefix = parse.GetValue(emailPrefix) ?? string.Empty,
                NamePrefix = parse.GetValue(namePrefix) ?? string.Empty,
            };
            if (parse.GetValue(status) is { } statusFilter)
            {
                request.StatusFilter = statusFilter;
            }

            if (byToken)
            {
                // Token paging fills neither page nor total; leaving them out keeps the server in token mode.
                request.Page = 0;
                request.Limit = 0;
            }

            var response = await session.Users.ListUsersAsync(request, session.Call(cancellationToken));
            var caption = byToken ? TokenCaption(response) : string.Create(CultureInfo.InvariantCulture, $"page {response.Page}: {response.Users.Count} of {response.Total} users");
            await ResultOutput.WriteAsync(session, response, response.Users, caption);
            return ExitCodes.Success;
        });
        return command;
    }

    private static string TokenCaption(ListUsersResponse response)
    {
        var count = string.Create(CultureInfo.InvariantCulture, $"{response.Users.Count} user{(response.Users.Count == 1 ? string.Empty : "s")}");
        return response.NextPageToken.Length == 0 ? count + ", last page" : count + "; next page: --page-token " + response.NextPageToken;
    }
}

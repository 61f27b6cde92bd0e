using System.CommandLine;
using System.Globalization;
using UserSystem.Cli.Hosting;
using UserSystem.Cli.Output;
using UserSystem.Contracts;

namespace UserSystem.Cli.Commands;

/// <summary>`users list`: one page of ListUsers.</summary>
internal static class ListCommand
{
    public static Command Create(CommandRunner runner)
    {
        var page = new Option<int>("--page", "-p") { Description = "Zero-based page number", DefaultValueFactory = _ => 0 };
        var limit = new Option<int>("--limit", "-l") { Description = "Users per page (the server caps it at 100)", DefaultValueFactory = _ => 10 };
        var command = new Command("list", "List users, one page at a time, in id order.") { page, limit };
        runner.SetAction(command, async (parse, session, cancellationToken) =>
        {
            var response = await session.Users.ListUsersAsync(new ListUsersRequest { Page = parse.GetValue(page), Limit = parse.GetValue(limit) }, session.Call(cancellationToken));
            if (session.Json)
            {
                await UserOutput.WriteJsonAsync(session, response);
            }
            else
            {
                UserOutput.WriteTable(session, response.Users, string.Create(CultureInfo.InvariantCulture, $"page {response.Page}: {response.Users.Count} of {response.Total} users"));
            }

            return ExitCodes.Success;
        });
        return command;
    }
}

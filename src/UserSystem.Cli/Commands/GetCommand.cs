using System.CommandLine;
using UserSystem.Cli.Hosting;
using UserSystem.Cli.Output;
using UserSystem.Contracts;

namespace UserSystem.Cli.Commands;

/// <summary>`users get ID`: GetUser.</summary>
internal static class GetCommand
{
    public static Command Create(CommandRunner runner)
    {
        var id = new Argument<int>("id") { Description = "The user's id" };
        var command = new Command("get", "Show one user.") { id };
        runner.SetAction(command, async (parse, session, cancellationToken) =>
        {
            var user = await session.Users.GetUserAsync(new GetUserRequest { Id = parse.GetValue(id) }, session.Call(cancellationToken));
            if (session.Json)
            {
                await UserOutput.WriteJsonAsync(session, user);
            }
            else
            {
                UserOutput.WriteTable(session, [user]);
            }

            return ExitCodes.Success;
        });
        return command;
    }
}

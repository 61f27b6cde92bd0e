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
        var id = SharedSymbols.UserId();
        var command = new Command("get", "Show one user (suspended users too, for an admin).") { id };
        // An admin reviewing a suspended user needs to see it; for anyone else the server ignores the option.
        runner.SetAction(command, async (parse, session, cancellationToken) =>
        {
            var user = await session.Users.GetUserAsync(new GetUserRequest { Id = parse.GetValue(id), IncludeSuspended = true }, session.Call(cancellationToken));
            await ResultOutput.WriteAsync(session, user, [user]);
            return ExitCodes.Success;
        });
        return command;
    }
}

using System.CommandLine;
using UserSystem.Cli.Hosting;
using UserSystem.Cli.Output;
using UserSystem.Contracts;

namespace UserSystem.Cli.Commands;

/// <summary>`users suspend ID` and `users activate ID`: SetUserStatus, one command per target status.</summary>
internal static class StatusCommand
{
    public static Command Suspend(CommandRunner runner) =>
        Create(runner, "suspend", "Suspend a user (reads of a suspended user are denied).", UserStatus.Suspended);

    public static Command Activate(CommandRunner runner) =>
        Create(runner, "activate", "Activate a user (e.g. one that was suspended).", UserStatus.Active);

    private static Command Create(CommandRunner runner, string name, string description, UserStatus status)
    {
        var id = SharedSymbols.UserId();
        var etag = SharedSymbols.Etag("Act");
        var command = new Command(name, description) { id, etag };
        runner.SetAction(command, async (parse, session, cancellationToken) =>
        {
            var request = new SetUserStatusRequest { Id = parse.GetValue(id), Status = status, Etag = parse.GetEtag(etag) };
            var user = await session.Users.SetUserStatusAsync(request, session.Call(cancellationToken));
            await ResultOutput.WriteAsync(session, user, [user]);
            return ExitCodes.Success;
        });
        return command;
    }
}

using System.CommandLine;
using System.Globalization;
using UserSystem.Cli.Hosting;
using UserSystem.Contracts;

namespace UserSystem.Cli.Commands;

/// <summary>`users delete ID`: DeleteUser.</summary>
internal static class DeleteCommand
{
    public static Command Create(CommandRunner runner)
    {
        var id = SharedSymbols.UserId();
        var etag = SharedSymbols.Etag("Delete");
        var command = new Command("delete", "Delete a user (its email becomes free again).") { id, etag };
        runner.SetAction(command, async (parse, session, cancellationToken) =>
        {
            var userId = parse.GetValue(id);
            await session.Users.DeleteUserAsync(new DeleteUserRequest { Id = userId, Etag = parse.GetEtag(etag) }, session.Call(cancellationToken));
            // The RPC answers Empty, so there is no result for standard output; the confirmation is a summary (standard error).
            await session.Host.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Deleted user {userId}."));
            return ExitCodes.Success;
        });
        return command;
    }
}

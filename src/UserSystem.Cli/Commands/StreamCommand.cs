using System.CommandLine;
using Grpc.Core;
using UserSystem.Cli.Hosting;
using UserSystem.Cli.Output;
using UserSystem.Contracts;

namespace UserSystem.Cli.Commands;

/// <summary>`users stream`: StreamUsers, printing each user as it arrives.</summary>
internal static class StreamCommand
{
    public static Command Create(CommandRunner runner)
    {
        var delay = new Option<int>("--delay") { Description = "Seconds the server waits between users (0-10)" };
        var command = new Command("stream", "Stream every user in id order as the server sends them (JSON Lines with --output json).") { delay };
        runner.SetAction(command, async (parse, session, cancellationToken) =>
        {
            using var call = session.Users.StreamUsers(new StreamUsersRequest { DelaySeconds = parse.GetValue(delay) }, session.LongCall(cancellationToken));
            var count = 0;
            await foreach (var user in call.ResponseStream.ReadAllAsync(cancellationToken))
            {
                count++;
                await ResultOutput.WriteAsync(session, user, UserOutput.Line(user));
            }

            await session.Host.Error.WriteLineAsync($"{count} users streamed.");
            return ExitCodes.Success;
        });
        return command;
    }
}

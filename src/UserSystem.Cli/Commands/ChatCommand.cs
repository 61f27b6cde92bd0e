using System.CommandLine;
using Grpc.Core;
using UserSystem.Cli.Files;
using UserSystem.Cli.Hosting;
using UserSystem.Cli.Output;
using UserSystem.Contracts;

namespace UserSystem.Cli.Commands;

/// <summary>
/// `users chat`: an interactive ChatWithUsers session. Each line read from standard input
/// (name,email,age,hobby;hobby or a JSON object) is sent at once and the created user is printed
/// as the server answers. A line that breaks a rule is reported and skipped; a server error ends
/// the session (users already created stay created).
/// </summary>
internal static class ChatCommand
{
    public static Command Create(CommandRunner runner)
    {
        var command = new Command("chat", "Type users line by line (name,email,age,hobby;hobby) and see each one created; end with Ctrl+D.");
        runner.SetAction(command, async (_, session, cancellationToken) =>
        {
            if (session.Host.IsInteractive)
            {
                await session.Host.Error.WriteLineAsync("Type one user per line as name,email,age,hobby;hobby (or JSON); Ctrl+D ends.");
            }

            using var call = session.Users.ChatWithUsers(session.LongCall(cancellationToken));
            var created = 0;
            var printer = Task.Run(async () =>
            {
                await foreach (var user in call.ResponseStream.ReadAllAsync(cancellationToken))
                {
                    created++;
                    await ResultOutput.WriteAsync(session, user, "created " + UserOutput.Line(user).TrimStart());
                }
            }, cancellationToken);

            var skipped = await SendLinesAsync(session, call.RequestStream, printer, cancellationToken);
            await printer;
            await session.Host.Error.WriteLineAsync($"{created} user{(created == 1 ? string.Empty : "s")} created{(skipped > 0 ? $", {skipped} line(s) skipped" : string.Empty)}.");
            return skipped > 0 ? ExitCodes.InvalidInput : ExitCodes.Success;
        });
        return command;
    }

    private static async Task<int> SendLinesAsync(CliSession session, IClientStreamWriter<CreateUserRequest> requests, Task printer, CancellationToken cancellationToken)
    {
        var lineNumber = 0;
        var skipped = 0;
        // Console input ignores cancellation once a read has started, so the read waits on its own
        // thread and Ctrl+C ends the session without waiting for another line.
        while (!printer.IsCompleted && await Task.Run(session.Host.In.ReadLine, CancellationToken.None).WaitAsync(cancellationToken) is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var (row, problem) = UserFileReader.ParseLine(lineNumber, line);
            if (problem is not null)
            {
                skipped++;
                await session.Host.Error.WriteLineAsync("skipped " + problem);
                continue;
            }

            try
            {
                await requests.WriteAsync(row!.ToRequest(), cancellationToken);
            }
            catch (Exception exception) when (exception is RpcException or InvalidOperationException)
            {
                // The server ended the call; its status comes from the response stream.
                return skipped;
            }
        }

        try
        {
            await requests.CompleteAsync();
        }
        catch (Exception exception) when (exception is RpcException or InvalidOperationException)
        {
            // Already ended by the server; the printer reports why.
        }

        return skipped;
    }
}

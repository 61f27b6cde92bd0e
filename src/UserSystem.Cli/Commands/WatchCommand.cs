using System.CommandLine;
using System.Globalization;
using Grpc.Core;
using UserSystem.Cli.Hosting;
using UserSystem.Cli.Output;
using UserSystem.Contracts;

namespace UserSystem.Cli.Commands;

/// <summary>`users watch`: WatchUsers, printing each change event as it commits until Ctrl+C.</summary>
internal static class WatchCommand
{
    public static Command Create(CommandRunner runner)
    {
        var since = new Option<long>("--since") { Description = "Replay events with ids above this one first (0, the default, replays the whole history)", HelpName = "event-id" };
        // With --timeout the watch ends after that many seconds (exit 0), printing where to resume.
        var command = new Command("watch", "Print every change to users as it happens (JSON Lines with --output json) until Ctrl+C.") { since };
        runner.SetAction(command, async (parse, session, cancellationToken) =>
        {
            var sinceEventId = parse.GetValue(since);
            if (sinceEventId < 0)
            {
                throw new UsageException("--since: an event id is 0 or more.");
            }

            var count = 0;
            var last = sinceEventId;
            var lines = new EventOutput();
            try
            {
                while (true)
                {
                    try
                    {
                        // A watch runs until stopped: LongCall keeps the client library's 30 s stream deadline off it unless --timeout is given.
                        using var call = session.Users.WatchUsers(new WatchUsersRequest { SinceEventId = last }, session.LongCall(cancellationToken));
                        await foreach (var userEvent in call.ResponseStream.ReadAllAsync(cancellationToken))
                        {
                            count++;
                            last = userEvent.EventId;
                            await ResultOutput.WriteAsync(session, userEvent, lines.Line(userEvent));
                            await session.Host.Out.FlushAsync(CancellationToken.None);
                        }

                        break;
                    }
                    catch (RpcException exception) when (exception.StatusCode == StatusCode.DeadlineExceeded && session.Settings.Timeout is null && !cancellationToken.IsCancellationRequested)
                    {
                        // Without --timeout the call has no deadline, so this is the server ending a stream that
                        // ran for its Limits:MaxStreamDurationSeconds: resume after the last event seen, missing nothing.
                        // The pause keeps a server that cuts every stream at once from turning this into a busy loop.
                        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                    }
                }
            }
            catch (Exception exception) when (cancellationToken.IsCancellationRequested && exception is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled })
            {
                // Ctrl+C is how a watch ends, not a failure: exit 0 and say where to resume.
            }
            catch (RpcException exception) when (exception.StatusCode == StatusCode.DeadlineExceeded && session.Settings.Timeout is not null)
            {
                // --timeout asked the watch to stop after that long: the end it asked for, not a failure.
            }

            await session.Host.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{count} events watched; resume with --since {last}."));
            return ExitCodes.Success;
        });
        return command;
    }
}

using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using UserSystem.Cli.Files;
using UserSystem.Cli.Hosting;
using UserSystem.Contracts;

namespace UserSystem.Cli.Commands;

/// <summary>`users export [FILE]`: every user through StreamUsers, as CSV or JSON Lines, to a file or standard output.</summary>
internal static class ExportCommand
{
    public static Command Create(CommandRunner runner)
    {
        var file = new Argument<FileInfo?>("file") { Description = "File to write [default: standard output]", Arity = ArgumentArity.ZeroOrOne };
        var format = new Option<UserFileFormat?>("--format") { Description = "csv or jsonl [default: from the file extension, else csv]" };
        var command = new Command("export", "Write every user as CSV or JSON Lines (a file import reads back).") { file, format };
        runner.SetAction(command, async (parse, session, cancellationToken) =>
        {
            var path = parse.GetValue(file)?.FullName;
            var fileFormat = UserFileFormats.Resolve(parse.GetValue(format), path);
            var started = Stopwatch.GetTimestamp();
            var count = 0;
            // A partial file must not look like a finished export: write next to it, move into place at the end.
            // Its name is not guessable and it must not exist yet, so a planted file or symlink is never followed.
            var temporary = path is null ? null : $"{path}.{Guid.NewGuid():N}.partial";
            try
            {
                await using (var writer = temporary is null ? null : new StreamWriter(temporary, PrivateNewFile()))
                {
                    var output = new UserFileWriter(writer ?? session.Host.Out, fileFormat);
                    await output.WriteHeaderAsync();
                    using var call = session.Users.StreamUsers(new StreamUsersRequest(), session.LongCall(cancellationToken));
                    await foreach (var user in call.ResponseStream.ReadAllAsync(cancellationToken))
                    {
                        await output.WriteAsync(user);
                        count++;
                    }
                }

                if (temporary is not null)
                {
                    File.Move(temporary, path!, overwrite: true);
                }
            }
            finally
            {
                if (temporary is not null && File.Exists(temporary))
                {
                    File.Delete(temporary);
                }
            }

            var elapsed = Stopwatch.GetElapsedTime(started);
            await session.Host.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Exported {count} users to {path ?? "standard output"} in {elapsed.TotalSeconds:0.0} s."));
            return ExitCodes.Success;
        });
        return command;
    }

    // Owner read and write only (0600): an export holds every user's email.
    private static FileStreamOptions PrivateNewFile()
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return options;
    }
}

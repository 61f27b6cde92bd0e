using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Spectre.Console;
using UserSystem.Cli.Files;
using UserSystem.Cli.Hosting;
using UserSystem.Cli.Output;
using UserSystem.Contracts;

namespace UserSystem.Cli.Commands;

/// <summary>
/// `users import FILE`: checks every row first (nothing is sent if any is bad), then streams the
/// file through one CreateBatchUsers call, which the server stores all or nothing. The file is
/// read twice rather than held in memory, so its size does not matter.
/// </summary>
internal static class ImportCommand
{
    private const int MaxProblemsShown = 20;

    public static Command Create(CommandRunner runner)
    {
        var file = new Argument<FileInfo>("file") { Description = "CSV (header: name,email,age,hobbies) or JSON Lines file" };
        var format = new Option<UserFileFormat?>("--format") { Description = "csv or jsonl [default: from the file extension]" };
        var command = new Command("import", "Create every user of a CSV or JSON Lines file in one all-or-nothing batch.") { file, format };
        runner.SetAction(command, async (parse, session, cancellationToken) =>
        {
            var path = parse.GetValue(file)!.FullName;
            if (!File.Exists(path))
            {
                throw new UsageException($"import: file '{path}' does not exist");
            }

            var fileFormat = UserFileFormats.Resolve(parse.GetValue(format), path);
            var (count, problems) = await CheckAsync(path, fileFormat, cancellationToken);
            if (problems.Count > 0)
            {
                foreach (var problem in problems.Take(MaxProblemsShown))
                {
                    await session.Host.Error.WriteLineAsync(problem.ToString());
                }

                if (problems.Count > MaxProblemsShown)
                {
                    await session.Host.Error.WriteLineAsync($"... and {problems.Count - MaxProblemsShown} more");
                }

                await session.Host.Error.WriteLineAsync($"error: {Path.GetFileName(path)} has {problems.Count} invalid row(s); nothing was imported.");
                return ExitCodes.InvalidInput;
            }

            if (count == 0)
            {
                throw new UsageException($"import: '{path}' has no users");
            }

            var started = Stopwatch.GetTimestamp();
            var response = session.Host.IsInteractive
                ? await session.Error.Progress().AutoClear(true).StartAsync(progress =>
                    SendAsync(session, path, fileFormat, progress.AddTask($"Importing {count} users", maxValue: count), cancellationToken))
                : await SendAsync(session, path, fileFormat, null, cancellationToken);
            var elapsed = Stopwatch.GetElapsedTime(started);
            var ranges = string.Join(", ", response.CreatedIds.Select(range => range.First == range.Last ? $"{range.First}" : $"{range.First}-{range.Last}"));
            await ResultOutput.WriteAsync(session, response, string.Create(CultureInfo.InvariantCulture, $"Imported {response.CreatedCount} users (ids {ranges}) in {elapsed.TotalSeconds:0.0} s: {response.Message}"));
            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task<(int Count, List<RowProblem> Problems)> CheckAsync(string path, UserFileFormat format, CancellationToken cancellationToken)
    {
        var count = 0;
        var problems = new List<RowProblem>();
        var emails = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        using var reader = OpenReader(path);
        try
        {
            await foreach (var (row, problem) in UserFileReader.ReadAsync(reader, format, cancellationToken))
            {
                if (problem is not null)
                {
                    problems.Add(problem);
                }
                else if (!emails.TryAdd(row!.Email, row.Line))
                {
                    problems.Add(new RowProblem(row.Line, $"email: '{row.Email}' is already used on line {emails[row.Email]}"));
                }
                else
                {
                    count++;
                }
            }
        }
        catch (FormatException exception)
        {
            throw new UsageException($"import: {exception.Message}", exception);
        }

        return (count, problems);
    }

    private static async Task<CreateUserResponse> SendAsync(CliSession session, string path, UserFileFormat format, ProgressTask? progress, CancellationToken cancellationToken)
    {
        using var call = session.Users.CreateBatchUsers(session.LongCall(cancellationToken));
        using var reader = OpenReader(path);
        try
        {
            await foreach (var (row, _) in UserFileReader.ReadAsync(reader, format, cancellationToken))
            {
                await call.RequestStream.WriteAsync(row!.ToRequest(), cancellationToken);
                progress?.Increment(1);
            }

            await call.RequestStream.CompleteAsync();
        }
        catch (Exception exception) when (exception is RpcException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
        {
            // The call ended while we were still writing, usually because the server rejects a
            // batch as soon as an item fails. The write fails at once, possibly before the
            // response's status has arrived; the status, awaited below, says why.
        }

        return await call.ResponseAsync;
    }

    private static StreamReader OpenReader(string path) => new(path, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, Options = FileOptions.SequentialScan });
}

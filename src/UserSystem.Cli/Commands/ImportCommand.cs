using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Grpc.Core;
using Spectre.Console;
using UserSystem.Cli.Files;
using UserSystem.Cli.Hosting;
using UserSystem.Cli.Output;
using UserSystem.Contracts;
using UserSystem.Validation;

namespace UserSystem.Cli.Commands;

/// <summary>
/// `users import FILE [--skip-existing]`: checks every row first, against the rules and against
/// the users that already exist (nothing is sent if any row is refused), then streams the file
/// through one CreateBatchUsers call, which the server stores all or nothing. The file is read
/// twice rather than held in memory; the existing users' emails are read once, by StreamUsers.
/// </summary>
internal static partial class ImportCommand
{
    private const int MaxProblemsShown = 20;

    public static Command Create(CommandRunner runner)
    {
        var file = new Argument<FileInfo>("file") { Description = "CSV (header: name,email,age,hobbies) or JSON Lines file" };
        var format = new Option<UserFileFormat?>("--format") { Description = "csv or jsonl [default: from the file extension]" };
        var skipExisting = new Option<bool>("--skip-existing") { Description = "Skip rows whose email already belongs to a user (a re-run of a half-imported file creates only the rest)" };
        var command = new Command("import", "Create every user of a CSV or JSON Lines file in one all-or-nothing batch.") { file, format, skipExisting };
        runner.SetAction(command, async (parse, session, cancellationToken) =>
        {
            var path = parse.GetValue(file)!.FullName;
            if (!File.Exists(path))
            {
                throw new UsageException($"import: file '{path}' does not exist");
            }

            var fileFormat = UserFileFormats.Resolve(parse.GetValue(format), path);
            var existing = await ExistingEmailsAsync(session, cancellationToken);
            var plan = await CheckAsync(path, fileFormat, existing, parse.GetValue(skipExisting), cancellationToken);
            if (plan.Problems.Count > 0)
            {
                await ReportRefusedAsync(session, path, plan);
                return ExitCodes.InvalidInput;
            }

            if (plan.ToCreate == 0)
            {
                if (plan.Skipped == 0)
                {
                    throw new UsageException($"import: '{path}' has no users");
                }

                await session.Host.Error.WriteLineAsync($"Nothing to import: all {plan.Skipped} users already exist (0 created, {plan.Skipped} skipped, 0 refused).");
                return ExitCodes.Success;
            }

            var started = Stopwatch.GetTimestamp();
            var sent = new List<UserRow>(plan.ToCreate);
            CreateUserResponse response;
            try
            {
                response = session.Host.IsInteractive
                    ? await session.Error.Progress().AutoClear(true).StartAsync(progress =>
                        SendAsync(session, path, fileFormat, plan, sent, progress.AddTask($"Importing {plan.ToCreate} users", maxValue: plan.ToCreate), cancellationToken))
                    : await SendAsync(session, path, fileFormat, plan, sent, null, cancellationToken);
            }
            catch (RpcException exception) when (BatchItem(exception.Status.Detail) is { } position && position <= sent.Count)
            {
                // The server names the item by its position in the batch: say which line of the file that is.
                var row = sent[position - 1];
                throw new RpcException(new Grpc.Core.Status(exception.StatusCode, $"line {row.Line} ({row.Email}): {exception.Status.Detail}; nothing was imported"), exception.Trailers);
            }

            var elapsed = Stopwatch.GetElapsedTime(started);
            var ranges = string.Join(", ", response.CreatedIds.Select(range => range.First == range.Last ? $"{range.First}" : $"{range.First}-{range.Last}"));
            await ResultOutput.WriteAsync(session, response, string.Create(CultureInfo.InvariantCulture,
                $"Imported {response.CreatedCount} users (ids {ranges}) in {elapsed.TotalSeconds:0.0} s: {response.CreatedCount} created, {plan.Skipped} skipped (already exist), 0 refused."));
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>What a check of the file found: how many rows to send, skip, and the refused ones.</summary>
    private sealed record ImportPlan(int ToCreate, int Skipped, int Invalid, int Duplicates, List<RowProblem> Problems, IReadOnlyDictionary<string, int> Existing, bool SkipExisting)
    {
        public bool Sends(UserRow row) => !(SkipExisting && Existing.ContainsKey(EmailKeys.For(row.Email)));
    }

    // The email key of every user stored now, with its id: one StreamUsers call (admin, as the import itself).
    private static async Task<Dictionary<string, int>> ExistingEmailsAsync(CliSession session, CancellationToken cancellationToken)
    {
        var existing = new Dictionary<string, int>(StringComparer.Ordinal);
        using var call = session.Users.StreamUsers(new StreamUsersRequest(), session.LongCall(cancellationToken));
        await foreach (var user in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            existing[EmailKeys.For(user.Email)] = user.Id;
        }

        return existing;
    }

    private static async Task<ImportPlan> CheckAsync(string path, UserFileFormat format, Dictionary<string, int> existing, bool skipExisting, CancellationToken cancellationToken)
    {
        int toCreate = 0, skipped = 0, invalid = 0, duplicates = 0;
        var problems = new List<RowProblem>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        using var reader = OpenReader(path);
        try
        {
            await foreach (var (row, problem) in UserFileReader.ReadAsync(reader, format, cancellationToken))
            {
                if (problem is not null)
                {
                    invalid++;
                    problems.Add(problem);
                    continue;
                }

                var key = EmailKeys.For(row!.Email);
                if (!seen.TryAdd(key, row.Line))
                {
                    duplicates++;
                    problems.Add(new RowProblem(row.Line, $"email is already used on line {seen[key]} of this file", row.Email));
                }
                else if (existing.TryGetValue(key, out var id))
                {
                    if (skipExisting)
                    {
                        skipped++;
                    }
                    else
                    {
                        duplicates++;
                        problems.Add(new RowProblem(row.Line, string.Create(CultureInfo.InvariantCulture, $"a user with this email already exists (user {id})"), row.Email));
                    }
                }
                else
                {
                    toCreate++;
                }
            }
        }
        catch (FormatException exception)
        {
            throw new UsageException($"import: {exception.Message}", exception);
        }

        return new ImportPlan(toCreate, skipped, invalid, duplicates, problems, existing, skipExisting);
    }

    private static async Task ReportRefusedAsync(CliSession session, string path, ImportPlan plan)
    {
        foreach (var problem in plan.Problems.Take(MaxProblemsShown))
        {
            await session.Host.Error.WriteLineAsync(TerminalText.Neutralize(problem.ToString()));
        }

        if (plan.Problems.Count > MaxProblemsShown)
        {
            await session.Host.Error.WriteLineAsync($"... and {plan.Problems.Count - MaxProblemsShown} more");
        }

        var hint = plan.Problems.Any(problem => problem.Message.StartsWith("a user with this email already exists", StringComparison.Ordinal))
            ? " To skip users that already exist, run it again with --skip-existing."
            : string.Empty;
        await session.Host.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"error: {Path.GetFileName(path)}: {plan.Problems.Count} row(s) refused ({plan.Invalid} invalid, {plan.Duplicates} duplicate), {plan.Skipped} skipped, {plan.ToCreate} valid; nothing was imported.{hint}"));
    }

    private static async Task<CreateUserResponse> SendAsync(CliSession session, string path, UserFileFormat format, ImportPlan plan, List<UserRow> sent, ProgressTask? progress, CancellationToken cancellationToken)
    {
        using var call = session.Users.CreateBatchUsers(session.LongCall(cancellationToken));
        using var reader = OpenReader(path);
        try
        {
            await foreach (var (row, _) in UserFileReader.ReadAsync(reader, format, cancellationToken))
            {
                if (!plan.Sends(row!))
                {
                    continue;
                }

                sent.Add(row!);
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

    // "Batch item 5: ..." names the item's 1-based position in the batch.
    private static int? BatchItem(string detail) =>
        BatchItemPattern().Match(detail) is { Success: true } match && int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var position) ? position : null;

    [GeneratedRegex(@"^Batch item (\d+)\b")]
    private static partial Regex BatchItemPattern();

    private static StreamReader OpenReader(string path) => new(path, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, Options = FileOptions.SequentialScan });
}

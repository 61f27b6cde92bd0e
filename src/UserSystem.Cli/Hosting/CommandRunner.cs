using System.CommandLine;
using Grpc.Core;

namespace UserSystem.Cli.Hosting;

/// <summary>
/// Runs a command's body inside a session and turns every expected failure into one line on
/// standard error and an exit code: gRPC statuses, usage mistakes, bad files, cancellation.
/// </summary>
public sealed class CommandRunner(CliHost host, GlobalOptions globalOptions)
{
    public CliHost Host => host;

    public GlobalOptions Options => globalOptions;

    public void SetAction(Command command, Func<ParseResult, CliSession, CancellationToken, Task<int>> body)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.SetAction((parse, cancellationToken) => RunAsync(parse, body, cancellationToken));
    }

    private async Task<int> RunAsync(ParseResult parse, Func<ParseResult, CliSession, CancellationToken, Task<int>> body, CancellationToken cancellationToken)
    {
        CliSettings settings;
        try
        {
            settings = globalOptions.Read(parse, host.GetEnvironmentVariable);
        }
        catch (UsageException exception)
        {
            await host.Error.WriteLineAsync("error: " + exception.Message);
            return ExitCodes.Usage;
        }

        await using var session = new CliSession(host, settings);
        try
        {
            return await body(parse, session, cancellationToken);
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Cancelled;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Cancelled;
        }
        catch (RpcException exception)
        {
            await host.Error.WriteLineAsync(ErrorFormatter.Format(exception, settings.Addresses, tokenSent: settings.Token is not null));
            return ExitCodes.FromStatus(exception.StatusCode);
        }
        catch (UsageException exception)
        {
            await host.Error.WriteLineAsync("error: " + exception.Message);
            return ExitCodes.Usage;
        }
    }
}

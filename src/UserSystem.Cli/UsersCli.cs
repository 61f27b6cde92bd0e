using System.CommandLine;
using UserSystem.Cli.Commands;
using UserSystem.Cli.Hosting;

namespace UserSystem.Cli;

/// <summary>
/// The `users` command tree. One file per command under Commands/; a new RPC is a new file and
/// one line in <see cref="BuildRootCommand"/>. Tests build and run this same root command with
/// captured output.
/// </summary>
public static class UsersCli
{
    public static RootCommand BuildRootCommand(CliHost host)
    {
        var globalOptions = new GlobalOptions();
        var runner = new CommandRunner(host, globalOptions);
        var root = new RootCommand("users: the command-line client of the gRPC user service.");
        foreach (var option in globalOptions.All)
        {
            root.Options.Add(option);
        }

        root.Subcommands.Add(CreateCommand.Create(runner));
        root.Subcommands.Add(GetCommand.Create(runner));
        root.Subcommands.Add(ListCommand.Create(runner));
        root.Subcommands.Add(UpdateCommand.Create(runner));
        root.Subcommands.Add(StatusCommand.Suspend(runner));
        root.Subcommands.Add(StatusCommand.Activate(runner));
        root.Subcommands.Add(DeleteCommand.Create(runner));
        root.Subcommands.Add(StreamCommand.Create(runner));
        root.Subcommands.Add(WatchCommand.Create(runner));
        root.Subcommands.Add(ImportCommand.Create(runner));
        root.Subcommands.Add(ExportCommand.Create(runner));
        root.Subcommands.Add(ChatCommand.Create(runner));
        root.Subcommands.Add(HealthCommand.Create(runner));
        root.Subcommands.Add(LoginCommand.Login(runner));
        root.Subcommands.Add(LoginCommand.Logout(runner));
        root.Subcommands.Add(LoginCommand.Config(runner));
        return root;
    }

    public static async Task<int> RunAsync(string[] args, CliHost host, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        var parse = BuildRootCommand(host).Parse(args);
        if (parse.Errors.Count > 0)
        {
            // Parse errors are usage errors (exit code 2), one line each, like every other error.
            foreach (var error in parse.Errors)
            {
                await host.Error.WriteLineAsync("error: " + error.Message);
            }

            await host.Error.WriteLineAsync("Run 'users --help' for usage.");
            return ExitCodes.Usage;
        }

        return await parse.InvokeAsync(new InvocationConfiguration { Output = host.Out, Error = host.Error, EnableDefaultExceptionHandler = true }, cancellationToken);
    }
}

using UserSystem.Cli;
using UserSystem.Cli.Hosting;

// The `users` tool: see UsersCli for the command tree and README.md "CLI" for a session.
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl+C ends the running command cleanly (watch, chat, long streams); a second one kills.
    e.Cancel = !cancellation.IsCancellationRequested;
    cancellation.Cancel();
};
return await UsersCli.RunAsync(args, CliHost.FromConsole(), cancellation.Token);

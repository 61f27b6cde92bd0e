using Microsoft.Extensions.Options;
using UserSystem.Server;
using UserSystem.Server.Hosting;
using UserSystem.Server.Security;

if (ServerCommandLine.TryAnswer(args, Console.Out))
{
    return 0;
}

if (DevTokenCommand.IsInvoked(args))
{
    return DevTokenCommand.Run(args[1..], Console.Out, Console.Error);
}

// Read before the run: a failed start disposes the services.
ServerOptions? server = null;
try
{
    var app = UserSystemServer.Build(args);
    server = app.Services.GetRequiredService<IOptions<ServerOptions>>().Value;
    await app.RunAsync();
    return 0;
}
catch (Exception exception) when (ConfigurationErrors.FailuresOf(exception) is { Count: > 0 } failures)
{
    return ConfigurationErrors.Report(failures, Console.Error);
}
catch (Exception exception) when (StartupFailures.Describe(exception, server) is { } sentence)
{
    return StartupFailures.Report(sentence, Console.Error);
}

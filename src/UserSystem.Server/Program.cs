using UserSystem.Server;
using UserSystem.Server.Hosting;
using UserSystem.Server.Security;

if (DevTokenCommand.IsInvoked(args))
{
    return DevTokenCommand.Run(args[1..], Console.Out, Console.Error);
}

try
{
    await UserSystemServer.Build(args).RunAsync();
    return 0;
}
catch (Exception exception) when (ConfigurationErrors.FailuresOf(exception) is { Count: > 0 } failures)
{
    return ConfigurationErrors.Report(failures, Console.Error);
}

using UserSystem.Server;
using UserSystem.Server.Security;

if (DevTokenCommand.IsInvoked(args))
{
    return DevTokenCommand.Run(args[1..], Console.Out, Console.Error);
}

await UserSystemServer.Build(args).RunAsync();
return 0;

using UserSystem.Server;

await UserSystemServer.Build(args).RunAsync();

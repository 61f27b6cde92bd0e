namespace UserSystem.Server.Hosting;

/// <summary>
/// <c>--help</c> and <c>--version</c>: answered before anything is configured or bound, so they
/// work on any machine, with any settings, and never start a server by accident.
/// </summary>
public static class ServerCommandLine
{
    private const string Help = """
        UserSystem.Server: the user-management gRPC service (user.UserService).

        usage:
          UserSystem.Server [--Section:Key=value]...    run the server
          UserSystem.Server token --subject NAME [--role ROLE]... [--user-id ID] [--email EMAIL] [--minutes N]
                                                        print a development token signed with Auth:Jwt:SigningKey
          UserSystem.Server --help | --version

        Settings come from appsettings.json beside the server, then environment variables
        (Section__Key), then arguments (--Section:Key=value). The ones most often changed:
          --Server:GrpcPort=50051        gRPC (HTTP/2); 0 picks a free port
          --Server:HttpPort=8080         REST, gRPC-Web, the console, /healthz, /metrics
          --Server:BindAddress=127.0.0.1 the address both ports bind to
          --Storage:Provider=Sqlite      or Postgres, with --ConnectionStrings:Postgres=...
          --Storage:Sqlite:Path=data/users.db
          --Auth:Mode=Jwt                with --Auth:Jwt:SigningKey=BASE64 or --Auth:Jwt:Authority=URL
          --environment=Development      Development allows Auth:Mode=None on loopback

        Every setting: docs/configuration.md. Exit codes: 0 stopped cleanly, 2 bad command line
        (token), 69 a port or the database is not available, 78 a bad setting.
        """;

    /// <summary>Answers <c>--help</c>/<c>-h</c> or <c>--version</c>; false when the arguments ask for neither.</summary>
    public static bool TryAnswer(string[] args, TextWriter output)
    {
        if (args.Any(arg => arg is "--help" or "-h" or "-?"))
        {
            output.Write(Help);
            output.WriteLine();
            return true;
        }

        if (args.Any(arg => arg == "--version"))
        {
            output.WriteLine(RequestContext.ServerVersion);
            return true;
        }

        return false;
    }
}

using System.CommandLine;
using Grpc.Health.V1;
using UserSystem.Cli.Hosting;
using UserSystem.Cli.Output;

namespace UserSystem.Cli.Commands;

/// <summary>`users health`: grpc.health.v1 Check; exit code 0 only when SERVING.</summary>
internal static class HealthCommand
{
    public static Command Create(CommandRunner runner)
    {
        var service = new Option<string>("--service") { Description = "Service to check: '' for the whole server, or user.UserService", DefaultValueFactory = _ => string.Empty };
        var command = new Command("health", "Check the server's health (exit code 0 when SERVING, 7 otherwise).") { service };
        runner.SetAction(command, async (parse, session, cancellationToken) =>
        {
            var response = await session.Health.CheckAsync(new HealthCheckRequest { Service = parse.GetValue(service) ?? string.Empty }, session.Call(cancellationToken));
            await ResultOutput.WriteAsync(session, response, response.Status switch
            {
                HealthCheckResponse.Types.ServingStatus.Serving => "SERVING",
                HealthCheckResponse.Types.ServingStatus.NotServing => "NOT_SERVING",
                HealthCheckResponse.Types.ServingStatus.ServiceUnknown => "SERVICE_UNKNOWN",
                _ => "UNKNOWN",
            });
            return response.Status == HealthCheckResponse.Types.ServingStatus.Serving ? ExitCodes.Success : ExitCodes.Unavailable;
        });
        return command;
    }
}

using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using UserSystem.Bench.ReferenceServer;

// The reference of bench/Pipeline: what grpc-dotnet itself costs for our contract.
// Usage: ReferenceServer [--port 50052] [--users 100000]
var port = 50052;
var users = 100_000;
for (var i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--port": port = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture); break;
        case "--users": users = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture); break;
        default: throw new ArgumentException($"unknown option {args[i]}");
    }
}

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.WebHost.ConfigureKestrel(kestrel =>
    kestrel.ListenLocalhost(port, listen => listen.Protocols = HttpProtocols.Http2));
builder.Services.AddSingleton(new InMemoryUsers(users));
builder.Services.AddGrpc();
// A service without any check answers NOT_FOUND; the process being up is the reference's health.
builder.Services.AddGrpcHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy());

var app = builder.Build();
app.MapGrpcService<ReferenceUserService>();
app.MapGrpcHealthChecksService();
app.Run();

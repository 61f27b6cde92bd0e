using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Observability;

/// <summary>With the standard OTLP variables set, call spans reach a collector (here a real HTTP endpoint that records what it gets).</summary>
public sealed class TraceExportTests
{
    [Fact]
    public async Task WithOtlpEndpoint_CallSpansAreExported()
    {
        var exports = new ConcurrentQueue<byte[]>();
        await using var collector = await StartCollectorAsync(exports);
        using var directory = new TempDirectory();
        await using var server = await ServerProcess.StartAsync(
            directory.File("users.db"),
            $"OTEL_EXPORTER_OTLP_ENDPOINT={collector.Urls.Single()}",
            "OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf",
            // Export every 100 ms instead of every 5 s, so the test does not wait long.
            "OTEL_BSP_SCHEDULE_DELAY=100");

        await new UserService.UserServiceClient(server.Channel).ListUsersAsync(new ListUsersRequest()).ResponseAsync.DefaultTimeout();
        await Poll.UntilAsync(() => exports.Any(export => Contains(export, "/user.UserService/ListUsers"))).DefaultTimeout();

        Assert.Contains(exports, export => Contains(export, "user-system"));
    }

    private static bool Contains(byte[] export, string text) =>
        export.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;

    private static async Task<WebApplication> StartCollectorAsync(ConcurrentQueue<byte[]> exports)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http1));
        var app = builder.Build();
        app.MapPost("/v1/traces", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            exports.Enqueue(body.ToArray());
            // An empty ExportTraceServiceResponse: everything accepted.
            context.Response.ContentType = "application/x-protobuf";
        });
        await app.StartAsync().DefaultTimeout();
        return app;
    }
}

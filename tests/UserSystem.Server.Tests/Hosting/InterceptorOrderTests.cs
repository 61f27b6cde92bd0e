using Grpc.AspNetCore.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using UserSystem.Server.Rpc.Interceptors;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Hosting;

public sealed class InterceptorOrderTests
{
    [Fact]
    public async Task Pipeline_RunsMetadataScopeLoggingMetricsLimitsAuditErrorsThenStreamControls()
    {
        await using var server = await TestServer.StartAsync();

        var interceptors = server.Services.GetRequiredService<IOptions<GrpcServiceOptions>>().Value.Interceptors;

        Assert.Equal(
            [
                typeof(RequestMetadataInterceptor), typeof(LogScopeInterceptor), typeof(CallLoggingInterceptor), typeof(MetricsInterceptor),
                typeof(RateLimitInterceptor), typeof(StreamConcurrencyInterceptor), typeof(AuditInterceptor),
                typeof(ErrorMappingInterceptor), typeof(StreamShutdownInterceptor), typeof(StreamDurationInterceptor),
                typeof(BatchSizeInterceptor),
            ],
            interceptors.Select(registration => registration.Type));
    }
}

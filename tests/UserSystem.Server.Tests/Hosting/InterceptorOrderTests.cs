using Grpc.AspNetCore.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using UserSystem.Server.Rpc.Interceptors;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Hosting;

public sealed class InterceptorOrderTests
{
    [Fact]
    public async Task Pipeline_RunsMetadataThenLoggingThenErrorsThenShutdown()
    {
        await using var server = await TestServer.StartAsync();

        var interceptors = server.Services.GetRequiredService<IOptions<GrpcServiceOptions>>().Value.Interceptors;

        Assert.Equal(
            [typeof(RequestMetadataInterceptor), typeof(CallLoggingInterceptor), typeof(ErrorMappingInterceptor), typeof(StreamShutdownInterceptor)],
            interceptors.Select(registration => registration.Type));
    }
}

using Grpc.AspNetCore.Server;
using Grpc.AspNetCore.Server.Model;
using Microsoft.Extensions.Options;
using UserSystem.Contracts;
using UserSystem.Server.Rpc.Binding;
using UserSystem.Server.Rpc.Interceptors;
using UserSystem.Server.Hosting;

namespace UserSystem.Server.Rpc;

public static class GrpcExtensions
{
    /// <summary>
    /// Registers gRPC with the interceptor pipeline, strict request parsing, message limits and
    /// reflection. Returns grpc-dotnet's builder, so JSON transcoding chains on it.
    /// </summary>
    public static IGrpcServerBuilder AddUserGrpc(this IServiceCollection services)
    {
        var grpc = services.AddGrpc(options =>
        {
            // Outermost first. Metadata assigns the request id everything else logs; the log scope
            // puts it and the caller on every line of the call; logging and metrics see the final
            // status, including limit rejections; the limits refuse a call before any work (rate
            // first: a refused call must not hold a stream slot); audit
            // records the actor and outcome of calls that got through; error mapping turns domain
            // errors and crashes into statuses; stream shutdown and stream duration sit innermost
            // so their statuses pass through unchanged; the batch size check wraps the request stream.
            // Authentication and [Authorize] run before all of these, in ASP.NET Core middleware.
            options.Interceptors.Add<RequestMetadataInterceptor>();
            options.Interceptors.Add<LogScopeInterceptor>();
            options.Interceptors.Add<CallLoggingInterceptor>();
            options.Interceptors.Add<MetricsInterceptor>();
            options.Interceptors.Add<RateLimitInterceptor>();
            options.Interceptors.Add<StreamConcurrencyInterceptor>();
            options.Interceptors.Add<AuditInterceptor>();
            options.Interceptors.Add<ErrorMappingInterceptor>();
            options.Interceptors.Add<StreamShutdownInterceptor>();
            options.Interceptors.Add<StreamDurationInterceptor>();
            options.Interceptors.Add<BatchSizeInterceptor>();
        });
        services.AddOptions<Grpc.AspNetCore.Server.GrpcServiceOptions>()
            .Configure<IOptions<LimitsOptions>>((grpc, limits) => grpc.MaxReceiveMessageSize = limits.Value.MaxReceiveMessageBytes);

        // One instance, bound once by the strict provider (Rpc/Binding); its dependencies are singletons too.
        services.AddSingleton<UserGrpcService>();
        services.AddSingleton<IServiceMethodProvider<UserGrpcService>>(provider =>
            new StrictParsingServiceMethodProvider<UserGrpcService>(provider, UserService.BindService));
        services.AddGrpcReflection();
        return grpc;
    }

    public static IEndpointRouteBuilder MapUserGrpc(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<UserGrpcService>().PreferStrictParsing();
        endpoints.MapGrpcReflectionService();
        return endpoints;
    }
}

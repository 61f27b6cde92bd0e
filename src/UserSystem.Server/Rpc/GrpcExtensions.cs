using Grpc.AspNetCore.Server.Model;
using Microsoft.Extensions.Options;
using UserSystem.Server.Rpc.Binding;
using UserSystem.Server.Rpc.Interceptors;
using UserSystem.Server.Hosting;

namespace UserSystem.Server.Rpc;

public static class GrpcExtensions
{
    /// <summary>Registers gRPC with the interceptor pipeline, strict request parsing, message limits and reflection.</summary>
    public static IServiceCollection AddUserGrpc(this IServiceCollection services)
    {
        services.AddGrpc(options =>
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
        UseStrictParsing(services);
        services.AddGrpcReflection();
        return services;
    }

    public static IEndpointRouteBuilder MapUserGrpc(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<UserGrpcService>();
        endpoints.MapGrpcReflectionService();
        return endpoints;
    }

    // Swap grpc-dotnet's binder for ours, which differs only in how request bytes are parsed.
    private static void UseStrictParsing(IServiceCollection services)
    {
        var defaultBinder = services.SingleOrDefault(descriptor =>
            descriptor.ServiceType == typeof(IServiceMethodProvider<>) &&
            descriptor.ImplementationType?.Name == "BinderServiceMethodProvider`1")
            ?? throw new InvalidOperationException("grpc-dotnet's BinderServiceMethodProvider was not found; strict request parsing cannot be installed.");
        services.Remove(defaultBinder);
        services.AddSingleton(typeof(IServiceMethodProvider<>), typeof(StrictParsingServiceMethodProvider<>));
    }
}

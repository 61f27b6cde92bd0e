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
            // Outermost first. Ahead of all of these, in ASP.NET Core middleware: the request
            // context (request id, version header, log scope), then authentication, [Authorize] and
            // the caller limits (Security/CallerLimitsMiddleware: a refused call is never read or parsed).
            // The observer sees every final status of a call let in and writes the call's log line,
            // audit line and metrics; error mapping turns domain errors and crashes into statuses; stream lifetime sits
            // innermost so its statuses pass through unchanged. The batch cap is enforced where
            // batch items are read and numbered (UserRequestValidation.ReadValidNewUsersAsync).
            // The consistency token sits inside error mapping, which turns a bad token into
            // INVALID_ARGUMENT, and outside stream lifetime, so a stream's token precedes its first message.
            options.Interceptors.Add<CallObserverInterceptor>();
            options.Interceptors.Add<ErrorMappingInterceptor>();
            options.Interceptors.Add<ConsistencyTokenInterceptor>();
            options.Interceptors.Add<StreamLifetimeInterceptor>();
        });
        // Registered, so grpc-dotnet resolves one instance of each instead of building them (and
        // their loggers) for every call; they hold no per-call state.
        services.AddSingleton<CallObserverInterceptor>();
        services.AddSingleton<ErrorMappingInterceptor>();
        services.AddSingleton<ConsistencyTokenInterceptor>();
        services.AddSingleton<StreamLifetimeInterceptor>();
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
        var server = endpoints.ServiceProvider.GetRequiredService<IOptions<ServerOptions>>().Value;
        if (server.ServesReflection(endpoints.ServiceProvider.GetRequiredService<IHostEnvironment>()))
        {
            endpoints.MapGrpcReflectionService();
        }

        return endpoints;
    }
}

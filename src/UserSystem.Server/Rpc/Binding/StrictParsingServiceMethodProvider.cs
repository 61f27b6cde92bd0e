using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

namespace UserSystem.Server.Rpc.Binding;

/// <summary>
/// Binds a generated gRPC service through its generated <c>BindService(ServiceBinderBase, impl)</c>,
/// with request marshallers that answer a message that does not parse with <c>INVALID_ARGUMENT</c>.
/// grpc-dotnet reads a unary or server-streaming request before any interceptor runs and reports
/// such a failure as <c>UNKNOWN</c> "Exception was thrown by handler", which blames the server for
/// the caller's bad bytes.
/// </summary>
/// <remarks>
/// A public extension point (<see cref="IServiceMethodProvider{TService}"/>) beside grpc-dotnet's
/// own provider, which binds the same methods with the generated marshallers: the endpoints made
/// here carry <see cref="StrictParsingMetadata"/>, and <see cref="StrictParsingEndpoints.PreferStrictParsing{TBuilder}"/>
/// routes to them first. The methods are bound once, to the service's one (singleton) instance,
/// as grpc-dotnet does for a mapped <c>ServerServiceDefinition</c>.
/// </remarks>
internal sealed class StrictParsingServiceMethodProvider<TService>(IServiceProvider services, Action<ServiceBinderBase, TService> bindService)
    : IServiceMethodProvider<TService>
    where TService : class
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<TService> context) =>
        bindService(new StrictParsingServiceBinder<TService>(context), services.GetRequiredService<TService>());
}

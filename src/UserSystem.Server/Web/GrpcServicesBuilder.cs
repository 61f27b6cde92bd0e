using Grpc.AspNetCore.Server;

namespace UserSystem.Server.Web;

/// <summary>
/// Hands <c>AddJsonTranscoding</c> the service collection gRPC was already added to, without a
/// second <c>AddGrpc</c> call (see <see cref="WebExtensions.AddUserWeb"/>).
/// </summary>
internal sealed class GrpcServicesBuilder(IServiceCollection services) : IGrpcServerBuilder
{
    public IServiceCollection Services { get; } = services;
}

using Grpc.Core;
using UserSystem.Server.Hosting;

namespace UserSystem.Server.Rpc;

/// <summary>Per-call values the pipeline shares.</summary>
public static class ServerCallContextExtensions
{
    /// <summary>The request id <see cref="RequestContextMiddleware"/> assigned.</summary>
    public static string GetRequestId(this ServerCallContext context) => RequestContext.RequestIdOf(context.GetHttpContext());
}

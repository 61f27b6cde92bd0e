using Grpc.Core;

namespace UserSystem.Server.Rpc;

/// <summary>Per-call values the pipeline shares through <see cref="ServerCallContext.UserState"/>.</summary>
public static class ServerCallContextExtensions
{
    private const string RequestIdKey = "user-system:request-id";

    public static string GetRequestId(this ServerCallContext context) =>
        context.UserState.TryGetValue(RequestIdKey, out var value) && value is string id ? id : "-";

    internal static void SetRequestId(this ServerCallContext context, string requestId) =>
        context.UserState[RequestIdKey] = requestId;
}

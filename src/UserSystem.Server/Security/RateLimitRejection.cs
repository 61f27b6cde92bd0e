using System.Globalization;
using System.Threading.RateLimiting;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace UserSystem.Server.Security;

/// <summary>
/// The answer to a call over a limit: <c>RESOURCE_EXHAUSTED</c> (not an HTTP 429, which .NET
/// clients see as <c>UNAVAILABLE</c> and retry at once) with <c>google.rpc.RetryInfo</c> and a
/// <c>retry-after</c> header in whole seconds.
/// </summary>
public static class RateLimitRejection
{
    public const string RetryAfterHeader = "retry-after";

    public static RpcException Create(ServerCallContext context, RateLimitLease lease, TimeSpan fallbackDelay, string message)
    {
        var delay = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) && retryAfter > TimeSpan.Zero ? retryAfter : fallbackDelay;
        var seconds = Math.Max(1, (long)Math.Ceiling(delay.TotalSeconds));
        // A response header rather than a trailer: the rejection is a trailers-only response, where
        // headers are all there is, and JSON transcoding turns it into an HTTP Retry-After.
        var response = context.GetHttpContext().Response;
        if (!response.HasStarted)
        {
            response.Headers[RetryAfterHeader] = seconds.ToString(CultureInfo.InvariantCulture);
        }

        return new Google.Rpc.Status
        {
            Code = (int)Code.ResourceExhausted,
            Message = $"{message} Retry after {seconds} s.",
            Details = { Any.Pack(new RetryInfo { RetryDelay = Duration.FromTimeSpan(TimeSpan.FromSeconds(seconds)) }) },
        }.ToRpcException();
    }
}

using System.Globalization;
using System.Text.Json;
using System.Threading.RateLimiting;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;

namespace UserSystem.Server.Security;

/// <summary>
/// The answer to a call over a limit, written before the call reaches gRPC: for gRPC and gRPC-Web
/// a trailers-only <c>RESOURCE_EXHAUSTED</c> with <c>google.rpc.RetryInfo</c> (not an HTTP 429,
/// which .NET clients see as <c>UNAVAILABLE</c> and retry at once); for REST an HTTP 429 with the
/// same status as JSON. Both carry a <c>retry-after</c> header in whole seconds.
/// </summary>
public static class RateLimitRejection
{
    public const string RetryAfterHeader = "retry-after";

    /// <summary>The lease's own retry-after when it has one, else <paramref name="fallback"/>, in whole seconds (at least 1).</summary>
    public static long RetryAfterSeconds(RateLimitLease lease, TimeSpan fallback)
    {
        var delay = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) && retryAfter > TimeSpan.Zero ? retryAfter : fallback;
        return Math.Max(1, (long)Math.Ceiling(delay.TotalSeconds));
    }

    public static Task WriteAsync(HttpContext context, long retryAfterSeconds, string message)
    {
        var text = $"{message} Retry after {retryAfterSeconds} s.";
        var retryInfo = new RetryInfo { RetryDelay = Duration.FromTimeSpan(TimeSpan.FromSeconds(retryAfterSeconds)) };
        var response = context.Response;
        response.Headers[RetryAfterHeader] = retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        var contentType = context.Request.ContentType;
        if (contentType is not null && contentType.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase))
        {
            var status = new Google.Rpc.Status { Code = (int)Code.ResourceExhausted, Message = text, Details = { Any.Pack(retryInfo) } };
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = contentType.StartsWith("application/grpc-web", StringComparison.OrdinalIgnoreCase) ? contentType : "application/grpc";
            response.Headers["grpc-status"] = ((int)Code.ResourceExhausted).ToString(CultureInfo.InvariantCulture);
            response.Headers["grpc-message"] = Uri.EscapeDataString(text);
            response.Headers["grpc-status-details-bin"] = Convert.ToBase64String(status.ToByteArray());
            return Task.CompletedTask;
        }

        // The shape JSON transcoding gives any other error: the status with its details.
        response.StatusCode = StatusCodes.Status429TooManyRequests;
        response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            code = (int)Code.ResourceExhausted,
            message = text,
            details = new[] { new Dictionary<string, string> { ["@type"] = "type.googleapis.com/google.rpc.RetryInfo", ["retryDelay"] = $"{retryAfterSeconds}s" } },
        };
        return response.WriteAsync(JsonSerializer.Serialize(body), context.RequestAborted);
    }
}

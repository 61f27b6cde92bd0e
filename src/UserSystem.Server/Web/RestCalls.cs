using Microsoft.AspNetCore.Grpc.JsonTranscoding;

namespace UserSystem.Server.Web;

public static class RestCalls
{
    /// <summary>The transcoding route of this request, or null when it is not a REST call.</summary>
    public static GrpcJsonTranscodingMetadata? RestRoute(this HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<GrpcJsonTranscodingMetadata>();

    /// <summary>Whether this request is a REST (JSON transcoding) call of a gRPC method.</summary>
    public static bool IsRestCall(this HttpContext context) => context.RestRoute() is not null;
}

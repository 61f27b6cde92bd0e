namespace UserSystem.Server.Web;

/// <summary>Tells plain gRPC (HTTP/2 <c>application/grpc</c>) from gRPC-Web, REST and the console.</summary>
internal static class GrpcContentType
{
    public static bool IsPlainGrpc(string? contentType) =>
        contentType is not null
        && contentType.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase)
        && !contentType.StartsWith("application/grpc-web", StringComparison.OrdinalIgnoreCase);

    /// <summary>Everything the web middleware serves: any request that is not plain gRPC.</summary>
    public static bool IsWebRequest(HttpContext context) => !IsPlainGrpc(context.Request.ContentType);
}

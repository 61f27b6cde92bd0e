using System.Reflection;
using Grpc.Core;

namespace UserSystem.Server.Rpc.Interceptors;

/// <summary>
/// Gives every call a request id (the caller's <c>x-request-id</c> or <c>request-id</c>, else a
/// new one) and answers with <c>request-id</c> and <c>server-version</c> response headers.
/// </summary>
public sealed class RequestMetadataInterceptor : ServerCallInterceptor
{
    public const string RequestIdHeader = "request-id";
    public const string ServerVersionHeader = "server-version";
    private const int MaxRequestIdLength = 128;

    public static readonly string ServerVersion = ReadServerVersion();

    protected override Task<TResult> InterceptAsync<TResult>(
        MethodType methodType, ServerCallContext context, Func<ServerCallContext, Task<TResult>> continuation)
    {
        var requestId = FromCaller(context.RequestHeaders) ?? Guid.NewGuid().ToString("N");
        context.SetRequestId(requestId);
        // Set on the HTTP response rather than written early, so they also ride a
        // trailers-only error response.
        var headers = context.GetHttpContext().Response.Headers;
        headers[RequestIdHeader] = requestId;
        headers[ServerVersionHeader] = ServerVersion;
        return continuation(context);
    }

    private static string? FromCaller(Metadata headers)
    {
        var value = headers.GetValue("x-request-id") ?? headers.GetValue(RequestIdHeader);
        // A caller's id is echoed into headers and logs: accept only short, printable ASCII.
        return value is { Length: > 0 and <= MaxRequestIdLength } && value.All(c => c is > ' ' and < '\u007f') ? value : null;
    }

    private static string ReadServerVersion()
    {
        var version = typeof(RequestMetadataInterceptor).Assembly
            .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        // Drop the "+commit" suffix the SDK appends: the header carries the release version.
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? version : version[..plus];
    }
}

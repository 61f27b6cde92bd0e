using System.Reflection;

namespace UserSystem.Server.Hosting;

/// <summary>
/// The per-request values every layer shares: the request id (the caller's <c>x-request-id</c> or
/// <c>request-id</c>, else a new one). Set by <see cref="RequestContextMiddleware"/> as an HTTP
/// feature, so it exists before authentication and for every protocol (gRPC, gRPC-Web, REST).
/// </summary>
public sealed class RequestContext(string requestId)
{
    public const string RequestIdHeader = "request-id";
    public const string ServerVersionHeader = "server-version";
    private const int MaxRequestIdLength = 128;

    public static readonly string ServerVersion = ReadServerVersion();

    public string RequestId { get; } = requestId;

    /// <summary>The request id of <paramref name="context"/>, or <c>-</c> outside the middleware.</summary>
    public static string RequestIdOf(HttpContext context) => context.Features.Get<RequestContext>()?.RequestId ?? "-";

    internal static RequestContext From(HttpRequest request) =>
        new(FromCaller(request.Headers["x-request-id"]) ?? FromCaller(request.Headers[RequestIdHeader]) ?? NewRequestId());

    // 32 hex digits, like a GUID's "N" form, from the fast non-cryptographic generator: an id must
    // be unique, not unguessable, and a GUID per request cost about 3% of a GetUser call's CPU.
    private static string NewRequestId()
    {
        Span<byte> bytes = stackalloc byte[16];
        Random.Shared.NextBytes(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    private static string? FromCaller(Microsoft.Extensions.Primitives.StringValues values)
    {
        var value = values.Count > 0 ? values[0] : null;
        // A caller's id is echoed into headers and logs: accept only short, printable ASCII.
        return value is { Length: > 0 and <= MaxRequestIdLength } && value.All(c => c is > ' ' and < '\u007f') ? value : null;
    }

    private static string ReadServerVersion()
    {
        var version = typeof(RequestContext).Assembly
            .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        // Drop the "+commit" suffix the SDK appends: the header carries the release version.
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? version : version[..plus];
    }
}

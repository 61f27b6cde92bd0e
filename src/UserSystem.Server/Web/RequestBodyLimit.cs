using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using UserSystem.Server.Hosting;

namespace UserSystem.Server.Web;

/// <summary>
/// Caps REST and gRPC-Web request bodies at <c>Limits:MaxReceiveMessageBytes</c> before anything
/// reads them: a larger declared <c>Content-Length</c> is refused at once (REST: 413 with a
/// RESOURCE_EXHAUSTED JSON body; gRPC-Web: RESOURCE_EXHAUSTED), a REST body without a length is
/// read up to the cap (and refused the same way past it), and Kestrel never reads past the cap. It runs on the web branch only
/// (<see cref="WebExtensions.UseUserWeb"/>): plain gRPC is left to grpc-dotnet, which applies the
/// same limit to each message of a stream (a stream's body as a whole may be longer).
/// </summary>
internal sealed class RequestBodyLimit(RequestDelegate next, IOptions<LimitsOptions> limits)
{
    // One gRPC-Web unary request: a 5-byte frame header, the message; base64 in grpc-web-text.
    private const int GrpcFrameHeaderBytes = 5;

    private readonly long _maxMessage = limits.Value.MaxReceiveMessageBytes;

    public Task InvokeAsync(HttpContext context)
    {
        var kind = BodyKindOf(context.Request.ContentType);
        var cap = kind switch
        {
            BodyKind.GrpcWeb => _maxMessage + GrpcFrameHeaderBytes,
            BodyKind.GrpcWebText => ((_maxMessage + GrpcFrameHeaderBytes + 2) / 3) * 4,
            _ => _maxMessage,
        };
        if (context.Request.ContentLength > cap)
        {
            return RefuseAsync(context, kind, cap);
        }

        // gRPC-Web without a length: grpc-dotnet reads each 5-byte frame header and refuses a
        // message over the limit (RESOURCE_EXHAUSTED) before reading the message.
        if (kind != BodyKind.Other)
        {
            return next(context);
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            // Kestrel stops reading past the cap whatever the length header said.
            size.MaxRequestBodySize = cap;
        }

        // A REST body without a length is read here, up to the cap, so an oversized one is a
        // clear 413 too (transcoding would turn Kestrel's cut-off into a 400).
        return context.Request.ContentLength is null && MayHaveBody(context.Request)
            ? BufferRestBodyAsync(context, cap)
            : next(context);
    }

    private static bool MayHaveBody(HttpRequest request) =>
        (HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method) || HttpMethods.IsPatch(request.Method))
        && (request.Headers.TransferEncoding.Count > 0 || !HttpProtocol.IsHttp11(request.Protocol));

    private async Task BufferRestBodyAsync(HttpContext context, long cap)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
            {
                if (buffer.Length + read > cap)
                {
                    await RefuseAsync(context, BodyKind.Other, cap);
                    return;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await RefuseAsync(context, BodyKind.Other, cap);
            return;
        }

        buffer.Position = 0;
        context.Request.Body = buffer;
        context.Request.ContentLength = buffer.Length;
        await next(context);
    }

    private static Task RefuseAsync(HttpContext context, BodyKind kind, long cap)
    {
        var message = $"The request body is larger than the server accepts ({cap} bytes, Limits:MaxReceiveMessageBytes).";
        // The connection still carries the unread body; close it rather than read megabytes to reuse it.
        context.Response.Headers.Connection = "close";
        if (kind is BodyKind.GrpcWeb or BodyKind.GrpcWebText)
        {
            // A trailers-only gRPC-Web answer: the status rides the headers.
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = kind == BodyKind.GrpcWeb ? "application/grpc-web+proto" : "application/grpc-web-text+proto";
            context.Response.Headers["grpc-status"] = "8";
            context.Response.Headers["grpc-message"] = Uri.EscapeDataString(message);
            return Task.CompletedTask;
        }

        context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new { code = 8, message, details = Array.Empty<object>() }), context.RequestAborted);
    }

    private static BodyKind BodyKindOf(string? contentType) =>
        contentType is null ? BodyKind.Other
        : contentType.StartsWith("application/grpc-web-text", StringComparison.OrdinalIgnoreCase) ? BodyKind.GrpcWebText
        : contentType.StartsWith("application/grpc-web", StringComparison.OrdinalIgnoreCase) ? BodyKind.GrpcWeb
        : BodyKind.Other;

    private enum BodyKind
    {
        Other,
        GrpcWeb,
        GrpcWebText,
    }
}

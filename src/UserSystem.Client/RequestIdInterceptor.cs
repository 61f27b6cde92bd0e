using Grpc.Core;
using Grpc.Core.Interceptors;
using UserSystem.Contracts;

namespace UserSystem.Client;

/// <summary>
/// Gives every CreateUser that carries no <c>request_id</c> a fresh one (a UUID), once per logical
/// call. It runs above the channel, and the channel's service-config retries resend the message it
/// was given, so every attempt of one call carries the same id: a create that committed before its
/// answer was lost is answered with the user it created instead of <c>ALREADY_EXISTS</c>. A caller's
/// own id is kept. The caller's message is copied, not changed, so reusing it as a template for
/// another user cannot reuse the id.
/// </summary>
public sealed class RequestIdInterceptor : Interceptor
{
    public override TResponse BlockingUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, BlockingUnaryCallContinuation<TRequest, TResponse> continuation) =>
        continuation(WithRequestId(request), context);

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation) =>
        continuation(WithRequestId(request), context);

    /// <summary><paramref name="request"/>, or a copy of a CreateUser request with a new <c>request_id</c> when it has none.</summary>
    public static TRequest WithRequestId<TRequest>(TRequest request)
    {
        if (request is not CreateUserRequest { RequestId.Length: 0 } create)
        {
            return request;
        }

        var stamped = create.Clone();
        stamped.RequestId = Guid.NewGuid().ToString();
        return (TRequest)(object)stamped;
    }
}

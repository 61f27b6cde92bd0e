using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

namespace UserSystem.Server.Rpc.Binding;

/// <summary>
/// Receives the generated <c>BindService</c> calls and adds each method with a strict request
/// marshaller, the handler the generated code passes, and the endpoint metadata grpc-dotnet would
/// give it (the service's then the method's attributes, so <c>[Authorize]</c> policies apply).
/// </summary>
internal sealed class StrictParsingServiceBinder<TService>(ServiceMethodProviderContext<TService> context) : ServiceBinderBase
    where TService : class
{
    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        context.AddUnaryMethod(Strict(method), Metadata(handler), (_, request, call) => handler(request, call));
    }

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        context.AddClientStreamingMethod(Strict(method), Metadata(handler), (_, requests, call) => handler(requests, call));
    }

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        context.AddServerStreamingMethod(Strict(method), Metadata(handler), (_, request, responses, call) => handler(request, responses, call));
    }

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        context.AddDuplexStreamingMethod(Strict(method), Metadata(handler), (_, requests, responses, call) => handler(requests, responses, call));
    }

    /// <summary>The same method with a request marshaller that turns a parse failure into <c>INVALID_ARGUMENT</c>.</summary>
    internal static Method<TRequest, TResponse> Strict<TRequest, TResponse>(Method<TRequest, TResponse> method)
    {
        var inner = method.RequestMarshaller;
        var strict = new Marshaller<TRequest>(inner.ContextualSerializer, deserializationContext =>
        {
            try
            {
                return inner.ContextualDeserializer(deserializationContext);
            }
            catch (InvalidProtocolBufferException exception)
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument,
                    $"The request is not a valid {typeof(TRequest).Name} message: {exception.Message}"));
            }
        });
        return new Method<TRequest, TResponse>(method.Type, method.ServiceName, method.Name, strict, method.ResponseMarshaller);
    }

    // The generated code passes the handler as a delegate to the service's override, so its
    // attributes are those of the method that runs. Service attributes first, method attributes
    // last: the later ones take precedence, as in grpc-dotnet.
    private static List<object> Metadata(Delegate handler) =>
    [
        .. typeof(TService).GetCustomAttributes(inherit: true),
        .. handler.Method.GetCustomAttributes(inherit: true),
        new HttpMethodMetadata(["POST"], acceptCorsPreflight: true),
        StrictParsingMetadata.Instance,
    ];
}

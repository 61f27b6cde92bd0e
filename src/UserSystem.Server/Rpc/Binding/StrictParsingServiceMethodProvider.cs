using System.Reflection;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

namespace UserSystem.Server.Rpc.Binding;

/// <summary>
/// Binds generated gRPC services like grpc-dotnet's own binder, but with request marshallers
/// that answer a message that does not parse with <c>INVALID_ARGUMENT</c>. grpc-dotnet reads a
/// unary request before any interceptor runs and reports such a failure as <c>UNKNOWN</c>
/// "Exception was thrown by handler", which blames the server for the caller's bad bytes.
/// </summary>
internal sealed class StrictParsingServiceMethodProvider<TService> : IServiceMethodProvider<TService>
    where TService : class
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<TService> context)
    {
        if (FindBindMethod() is not (var bindMethod, var declaringType))
        {
            return; // Not a generated service: nothing for this provider to bind.
        }

        bindMethod.Invoke(null, [new StrictParsingServiceBinder<TService>(context, declaringType), null]);
    }

    private static (MethodInfo Method, Type DeclaringType)? FindBindMethod()
    {
        for (var type = typeof(TService); type is not null; type = type.BaseType)
        {
            if (type.GetCustomAttribute<BindServiceMethodAttribute>(inherit: false) is { } attribute)
            {
                var method = attribute.BindType.GetMethod(
                    attribute.BindMethodName,
                    BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static,
                    [typeof(ServiceBinderBase), type]);
                return method is null ? null : (method, type);
            }
        }

        return null;
    }
}

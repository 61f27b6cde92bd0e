using Grpc.Core;
using UserSystem.Server.Diagnostics;
using UserSystem.Server.Domain;
using UserSystem.Server.Web;

namespace UserSystem.Server.Rpc.Interceptors;

/// <summary>
/// The seed's "recovery": domain errors become their status codes (see <see cref="DomainErrorMapper"/>);
/// anything unexpected is logged in full and answered with a generic <c>INTERNAL</c> that leaks nothing.
/// </summary>
public sealed class ErrorMappingInterceptor(ILogger<ErrorMappingInterceptor> logger) : ServerCallInterceptor
{
    protected override async Task<TResult> InterceptAsync<TResult>(
        MethodType methodType, ServerCallContext context, Func<ServerCallContext, Task<TResult>> continuation)
    {
        try
        {
            return await continuation(context);
        }
        catch (UserDomainException exception)
        {
            throw DomainErrorMapper.ToRpcException(exception, jsonFieldNames: context.GetHttpContext().IsRestCall());
        }
        catch (RpcException)
        {
            throw;
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            // The caller went away or its deadline passed; grpc-dotnet reports DEADLINE_EXCEEDED itself.
            throw new RpcException(new Status(StatusCode.Cancelled, "The call was cancelled."));
        }
        catch (Exception exception)
        {
            var requestId = context.GetRequestId();
            Log.CallCrashed(logger, context.Method, requestId, exception);
            throw new RpcException(new Status(StatusCode.Internal, $"An internal error occurred (request id {requestId})."));
        }
    }
}

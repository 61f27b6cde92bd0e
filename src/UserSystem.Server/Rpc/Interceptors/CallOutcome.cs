using Grpc.Core;

namespace UserSystem.Server.Rpc.Interceptors;

/// <summary>The final status of a call, for the interceptors that report on calls (logging, audit, metrics).</summary>
internal static class CallOutcome
{
    /// <summary>Runs <paramref name="call"/> and hands its final status to <paramref name="onFinished"/>, whatever happens.</summary>
    public static async Task<TResult> ObserveAsync<TResult>(Func<Task<TResult>> call, Action<StatusCode> onFinished)
    {
        var status = StatusCode.Unknown;
        try
        {
            var result = await call();
            status = StatusCode.OK;
            return result;
        }
        catch (RpcException exception)
        {
            status = exception.StatusCode;
            throw;
        }
        catch (OperationCanceledException)
        {
            status = StatusCode.Cancelled;
            throw;
        }
        finally
        {
            onFinished(status);
        }
    }
}

using Google.Rpc;
using Grpc.Core;

namespace UserSystem.Testing;

public static class RpcAssert
{
    /// <summary>Awaits a call that must fail with <paramref name="code"/> and returns its exception.</summary>
    public static async Task<RpcException> FailsWithAsync(Grpc.Core.StatusCode code, Func<Task> call)
    {
        var exception = await Assert.ThrowsAsync<RpcException>(() => call().DefaultTimeout());
        Assert.Equal(code, exception.StatusCode);
        return exception;
    }

    /// <summary>The fields named by the google.rpc.BadRequest detail of an INVALID_ARGUMENT.</summary>
    public static IReadOnlyList<string> ViolatedFields(RpcException exception)
    {
        var badRequest = exception.GetRpcStatus()?.GetDetail<BadRequest>();
        Assert.NotNull(badRequest);
        return badRequest.FieldViolations.Select(violation => violation.Field).ToArray();
    }
}

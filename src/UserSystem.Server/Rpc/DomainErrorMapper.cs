using System.Diagnostics;
using Google.Rpc;
using Grpc.Core;
using UserSystem.Server.Domain;

namespace UserSystem.Server.Rpc;

/// <summary>The one place where domain errors become gRPC statuses (with google.rpc details).</summary>
public static class DomainErrorMapper
{
    public static RpcException ToRpcException(UserDomainException exception) => exception switch
    {
        InvalidInputException invalid => WithBadRequest(invalid),
        UserNotFoundException => Plain(Code.NotFound, exception.Message),
        UserSuspendedException => Plain(Code.PermissionDenied, exception.Message),
        DuplicateEmailException => Plain(Code.AlreadyExists, exception.Message),
        StaleEtagException => Plain(Code.Aborted, exception.Message),
        EventHistoryPrunedException => Plain(Code.OutOfRange, exception.Message),
        StorageUnavailableException => Plain(Code.Unavailable, exception.Message),
        SelfChangeLimitException => Plain(Code.ResourceExhausted, exception.Message),
        // Every subtype has its arm above; a new one must get its own, not a silent default.
        _ => throw new UnreachableException($"{exception.GetType().Name} has no status code in DomainErrorMapper."),
    };

    private static RpcException WithBadRequest(InvalidInputException exception)
    {
        var badRequest = new BadRequest();
        badRequest.FieldViolations.Add(exception.Violations.Select(violation =>
            new BadRequest.Types.FieldViolation { Field = violation.Field, Description = violation.Description }));
        return new Google.Rpc.Status
        {
            Code = (int)Code.InvalidArgument,
            Message = exception.Message,
            Details = { Google.Protobuf.WellKnownTypes.Any.Pack(badRequest) },
        }.ToRpcException();
    }

    private static RpcException Plain(Code code, string message) =>
        new Google.Rpc.Status { Code = (int)code, Message = message }.ToRpcException();
}

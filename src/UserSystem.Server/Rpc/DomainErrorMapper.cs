using System.Diagnostics;
using Google.Rpc;
using Grpc.Core;
using UserSystem.Server.Domain;
using UserSystem.Validation;

namespace UserSystem.Server.Rpc;

/// <summary>The one place where domain errors become gRPC statuses (with google.rpc details).</summary>
public static class DomainErrorMapper
{
    /// <param name="exception">The domain error.</param>
    /// <param name="jsonFieldNames">
    /// Name fields as JSON does (<c>updateMask</c>, not <c>update_mask</c>): the call came over REST,
    /// whose caller wrote those names.
    /// </param>
    public static RpcException ToRpcException(UserDomainException exception, bool jsonFieldNames = false) => exception switch
    {
        InvalidInputException invalid => BadRequestStatus(invalid.Message, invalid.Violations, jsonFieldNames).ToRpcException(),
        UserNotFoundException => Plain(Code.NotFound, exception.Message),
        UserSuspendedException or NotOwnerException or SelfEmailChangeException => Plain(Code.PermissionDenied, exception.Message),
        DuplicateEmailException => Plain(Code.AlreadyExists, exception.Message),
        StaleEtagException => Plain(Code.Aborted, exception.Message),
        EventHistoryPrunedException => Plain(Code.OutOfRange, exception.Message),
        EventHistoryBehindException => Plain(Code.DataLoss, exception.Message),
        StorageUnavailableException => Plain(Code.Unavailable, exception.Message),
        SelfChangeLimitException => Plain(Code.ResourceExhausted, exception.Message),
        // Every subtype has its arm above; a new one must get its own, not a silent default.
        _ => throw new UnreachableException($"{exception.GetType().Name} has no status code in DomainErrorMapper."),
    };

    /// <summary>
    /// <c>INVALID_ARGUMENT</c> with a <c>google.rpc.BadRequest</c>: one field violation each, with a
    /// machine-readable reason (<c>INVALID_EMAIL</c>, AIP-193), the fields in proto or JSON names.
    /// </summary>
    public static Google.Rpc.Status BadRequestStatus(string message, IReadOnlyList<FieldViolation> violations, bool jsonFieldNames)
    {
        var badRequest = new BadRequest();
        foreach (var violation in violations)
        {
            badRequest.FieldViolations.Add(new BadRequest.Types.FieldViolation
            {
                Field = jsonFieldNames ? FieldNames.ToJsonPath(violation.Field) : violation.Field,
                Description = jsonFieldNames ? FieldNames.ToJsonNames(violation.Description) : violation.Description,
                Reason = FieldNames.ReasonFor(violation.Field),
            });
        }

        return new Google.Rpc.Status
        {
            Code = (int)Code.InvalidArgument,
            Message = jsonFieldNames ? FieldNames.ToJsonNames(message) : message,
            Details = { Google.Protobuf.WellKnownTypes.Any.Pack(badRequest) },
        };
    }

    private static RpcException Plain(Code code, string message) =>
        new Google.Rpc.Status { Code = (int)code, Message = message }.ToRpcException();
}

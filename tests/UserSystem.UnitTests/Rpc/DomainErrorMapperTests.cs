using Google.Rpc;
using Grpc.Core;
using UserSystem.Server.Domain;
using UserSystem.Server.Rpc;
using UserSystem.Validation;
using StatusCode = Grpc.Core.StatusCode;

namespace UserSystem.UnitTests.Rpc;

public sealed class DomainErrorMapperTests
{
    public static TheoryData<UserDomainException, StatusCode> Cases => new()
    {
        { new UserNotFoundException(3), StatusCode.NotFound },
        { new UserSuspendedException(3), StatusCode.PermissionDenied },
        { new NotOwnerException(3), StatusCode.PermissionDenied },
        { new SelfEmailChangeException(3), StatusCode.PermissionDenied },
        { new DuplicateEmailException(), StatusCode.AlreadyExists },
        { new StaleEtagException(3), StatusCode.Aborted },
        { new SelfChangeLimitException(3, 60, TimeSpan.FromHours(1)), StatusCode.ResourceExhausted },
        { InvalidInputException.ForField("age", "must be between 0 and 150"), StatusCode.InvalidArgument },
        { new StorageUnavailableException("PostgreSQL database 'users'"), StatusCode.Unavailable },
        { new EventHistoryBehindException(9, 7), StatusCode.DataLoss },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void EachDomainError_HasItsStatusCode_AndKeepsItsMessage(UserDomainException error, StatusCode code)
    {
        var exception = DomainErrorMapper.ToRpcException(error);

        Assert.Equal(code, exception.StatusCode);
        Assert.Equal(error.Message, exception.Status.Detail);
    }

    [Fact]
    public void InvalidInput_CarriesEveryFieldViolationAsBadRequest()
    {
        var error = new InvalidInputException("Invalid user", [new FieldViolation("name", "is required"), new FieldViolation("age", "must be between 0 and 150")]);

        var badRequest = DomainErrorMapper.ToRpcException(error).GetRpcStatus()!.GetDetail<BadRequest>();

        Assert.Equal(["name", "age"], badRequest.FieldViolations.Select(violation => violation.Field));
        Assert.Equal("is required", badRequest.FieldViolations[0].Description);
    }

    [Fact]
    public void BatchDuplicate_NamesThePosition() =>
        Assert.Contains("Batch item 5", DomainErrorMapper.ToRpcException(new DuplicateEmailException(5)).Status.Detail, StringComparison.Ordinal);
}

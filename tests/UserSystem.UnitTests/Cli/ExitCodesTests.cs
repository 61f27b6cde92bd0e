using Grpc.Core;
using UserSystem.Cli.Hosting;

namespace UserSystem.UnitTests.Cli;

public sealed class ExitCodesTests
{
    [Theory]
    [InlineData(StatusCode.OK, 0)]
    [InlineData(StatusCode.InvalidArgument, 3)]
    [InlineData(StatusCode.OutOfRange, 3)]
    [InlineData(StatusCode.FailedPrecondition, 3)]
    [InlineData(StatusCode.NotFound, 4)]
    [InlineData(StatusCode.AlreadyExists, 5)]
    [InlineData(StatusCode.Aborted, 5)]
    [InlineData(StatusCode.PermissionDenied, 6)]
    [InlineData(StatusCode.Unauthenticated, 6)]
    [InlineData(StatusCode.Unavailable, 7)]
    [InlineData(StatusCode.DeadlineExceeded, 7)]
    [InlineData(StatusCode.ResourceExhausted, 8)]
    [InlineData(StatusCode.Cancelled, 130)]
    [InlineData(StatusCode.Internal, 1)]
    [InlineData(StatusCode.Unknown, 1)]
    [InlineData(StatusCode.Unimplemented, 1)]
    [InlineData(StatusCode.DataLoss, 1)]
    public void EachStatus_HasItsExitCode(StatusCode code, int exitCode) => Assert.Equal(exitCode, ExitCodes.FromStatus(code));

    [Fact]
    public void EveryStatusCode_MapsToADocumentedExitCode()
    {
        int[] documented = [ExitCodes.Success, ExitCodes.Failure, ExitCodes.InvalidInput, ExitCodes.NotFound, ExitCodes.Conflict, ExitCodes.Denied, ExitCodes.Unavailable, ExitCodes.Exhausted, ExitCodes.Cancelled];

        Assert.All(Enum.GetValues<StatusCode>(), code => Assert.Contains(ExitCodes.FromStatus(code), documented));
    }
}

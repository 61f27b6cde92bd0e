using Grpc.Core;

namespace UserSystem.Cli.Hosting;

/// <summary>
/// Process exit codes, derived from the gRPC status of the failed call so scripts can branch on
/// the kind of failure. The README's "Exit codes" table lists the same mapping.
/// </summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int Usage = 2;
    public const int InvalidInput = 3;
    public const int NotFound = 4;
    public const int Conflict = 5;
    public const int Denied = 6;
    public const int Unavailable = 7;
    public const int Exhausted = 8;
    public const int Cancelled = 130;

    public static int FromStatus(StatusCode code) => code switch
    {
        StatusCode.OK => Success,
        StatusCode.InvalidArgument or StatusCode.OutOfRange or StatusCode.FailedPrecondition => InvalidInput,
        StatusCode.NotFound => NotFound,
        StatusCode.AlreadyExists or StatusCode.Aborted => Conflict,
        StatusCode.PermissionDenied or StatusCode.Unauthenticated => Denied,
        StatusCode.Unavailable or StatusCode.DeadlineExceeded => Unavailable,
        StatusCode.ResourceExhausted => Exhausted,
        StatusCode.Cancelled => Cancelled,
        _ => Failure,
    };
}

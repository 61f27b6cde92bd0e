using System.Net.Sockets;
using Npgsql;
using UserSystem.Server.Storage.Postgres;

namespace UserSystem.UnitTests.Storage;

/// <summary>
/// What Npgsql throws while the primary moves (measured on a pg_auto_failover cluster) is
/// "retry", never a bug; what a misconfiguration or a bad statement throws is not.
/// </summary>
public sealed class PostgresFailuresTests
{
    public static TheoryData<string, Exception> WhileThePrimaryMoves => new()
    {
        { "every host answered, none writable", new NpgsqlException("No suitable host was found.") },
        { "no host could be reached", new NpgsqlException("Unable to connect to a suitable host.", new AggregateException(
            new NpgsqlException("Failed to connect to 127.0.0.1:6501", new SocketException((int)SocketError.ConnectionRefused)))) },
        { "broken mid-statement", new NpgsqlException("Exception while reading from stream", new EndOfStreamException()) },
        { "25006 on a node that is read-only", Postgres(PostgresErrorCodes.ReadOnlySqlTransaction) },
        { "the server shutting down", Postgres(PostgresErrorCodes.AdminShutdown) },
        { "our statement timeout", Postgres(PostgresErrorCodes.QueryCanceled) },
    };

    public static TheoryData<string, Exception> Bugs => new()
    {
        { "a refused password on every host", new NpgsqlException("Unable to connect to a suitable host.", new AggregateException(
            Postgres(PostgresErrorCodes.InvalidPassword), Postgres(PostgresErrorCodes.InvalidAuthorizationSpecification))) },
        { "a statement that does not parse", Postgres(PostgresErrorCodes.SyntaxError) },
        { "not Npgsql's", new InvalidOperationException("no") },
    };

    [Theory]
    [MemberData(nameof(WhileThePrimaryMoves))]
    public void FailureWhileThePrimaryMoves_IsUnavailable(string what, Exception exception)
    {
        Assert.True(PostgresFailures.IsUnavailable(exception), what);
    }

    [Theory]
    [MemberData(nameof(Bugs))]
    public void FailureThatRetryingCannotCure_IsNotUnavailable(string what, Exception exception)
    {
        Assert.False(PostgresFailures.IsUnavailable(exception), what);
    }

    [Fact]
    public void ReadOnlyNodeOrBrokenConnection_MayHaveMoved_OurTimeoutOnAHealthyConnectionNot()
    {
        Assert.True(PostgresFailures.MayHaveMoved(Postgres(PostgresErrorCodes.ReadOnlySqlTransaction)));
        Assert.True(PostgresFailures.MayHaveMoved(new NpgsqlException("No suitable host was found.")));
        Assert.False(PostgresFailures.MayHaveMoved(Postgres(PostgresErrorCodes.QueryCanceled)));
        Assert.False(PostgresFailures.MayHaveMoved(Postgres(PostgresErrorCodes.LockNotAvailable)));
    }

    private static PostgresException Postgres(string sqlState) => new("refused", "ERROR", "ERROR", sqlState);
}

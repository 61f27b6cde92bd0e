using Microsoft.Extensions.Options;
using UserSystem.Server.Hosting;

namespace UserSystem.UnitTests.Options;

public sealed class ConfigurationErrorsTests
{
    [Fact]
    public void FailuresOfSeveralSections_AreAllCollected()
    {
        var exception = new AggregateException(
            new OptionsValidationException("", typeof(ServerOptions), ["Server:GrpcPort: bad"]),
            new OptionsValidationException("", typeof(LimitsOptions), ["Limits:MaxPageSize: bad", "Limits:MaxBatchSize: bad"]));

        Assert.Equal(["Server:GrpcPort: bad", "Limits:MaxPageSize: bad", "Limits:MaxBatchSize: bad"], ConfigurationErrors.FailuresOf(exception));
    }

    [Fact]
    public void AnyOtherException_IsNotAConfigurationError()
    {
        Assert.Empty(ConfigurationErrors.FailuresOf(new InvalidOperationException("boom")));
        Assert.Empty(ConfigurationErrors.FailuresOf(new AggregateException(new OptionsValidationException("", typeof(ServerOptions), ["x"]), new IOException())));
    }

    [Fact]
    public void Report_WritesOneLinePerFailure_AndReturnsExConfig()
    {
        using var error = new StringWriter();

        var exitCode = ConfigurationErrors.Report(["Server:GrpcPort: bad", "Limits:MaxPageSize: bad"], error);

        var lines = error.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(78, exitCode);
        Assert.Equal(["Configuration error: Server:GrpcPort: bad", "Configuration error: Limits:MaxPageSize: bad"], lines[..2]);
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using UserSystem.Server.Hosting;
using UserSystem.Server.Observability;
using UserSystem.Server.Security;
using UserSystem.Server.Storage;
using UserSystem.Server.Web;

namespace UserSystem.UnitTests.Options;

/// <summary>Each section's rules, through the same registration the server uses.</summary>
public sealed class OptionsValidationTests
{
    private static TOptions Resolve<TOptions>(Action<IServiceCollection, IConfiguration> register, params (string Key, string Value)[] settings)
        where TOptions : class
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(setting => new KeyValuePair<string, string?>(setting.Key, setting.Value)))
            .Build();
        var services = new ServiceCollection();
        register(services, configuration);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<TOptions>>().Value;
    }

    private static OptionsValidationException Fails<TOptions>(Action<IServiceCollection, IConfiguration> register, params (string, string)[] settings)
        where TOptions : class =>
        Assert.Throws<OptionsValidationException>(() => Resolve<TOptions>(register, settings));

    private static void Limits(IServiceCollection services, IConfiguration configuration) =>
        services.AddValidatedOptions<LimitsOptions, LimitsOptionsValidator>(configuration, LimitsOptions.SectionName)
            .ValidateWith<LimitsOptions, LimitsPageSizeValidator>();

    private static void Server(IServiceCollection services, IConfiguration configuration) =>
        services.AddValidatedOptions<ServerOptions, ServerOptionsValidator>(configuration, ServerOptions.SectionName)
            .ValidateWith<ServerOptions, ServerPortsValidator>();

    [Fact]
    public void Defaults_AreValid()
    {
        Assert.Equal(100, Resolve<LimitsOptions>(Limits).MaxPageSize);
        Assert.Equal(50051, Resolve<ServerOptions>(Server).GrpcPort);
    }

    [Theory]
    [InlineData("Limits:MaxPageSize", "0")]
    [InlineData("Limits:MaxPageSize", "10001")]
    [InlineData("Limits:MaxReceiveMessageBytes", "1023")]
    [InlineData("Limits:MaxStreamDelaySeconds", "-5")]
    [InlineData("Limits:MaxBatchSize", "0")]
    [InlineData("Limits:MaxStreamDurationSeconds", "0")]
    public void OutOfRangeLimit_FailsNamingTheSetting(string key, string value)
    {
        var exception = Fails<LimitsOptions>(Limits, (key, value));

        Assert.Contains(key + ":", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultPageLargerThanTheLargestPage_Fails()
    {
        var exception = Fails<LimitsOptions>(Limits, ("Limits:MaxPageSize", "20"), ("Limits:DefaultPageSize", "50"));

        Assert.Equal("Limits:DefaultPageSize (50) must not exceed Limits:MaxPageSize (20).", Assert.Single(exception.Failures));
    }

    [Fact]
    public void EveryBadSettingOfASection_IsReported()
    {
        var exception = Fails<LimitsOptions>(Limits, ("Limits:StreamReadPageSize", "0"), ("Limits:MaxBatchSize", "0"));

        Assert.Equal(2, exception.Failures.Count());
    }

    [Theory]
    [InlineData("Server:GrpcPort", "70000")]
    [InlineData("Server:HttpPort", "-1")]
    [InlineData("Server:BindAddress", "localhost")]
    [InlineData("Server:ShutdownTimeoutSeconds", "0")]
    [InlineData("Server:CloseLingerSeconds", "-1")]
    [InlineData("Server:CloseLingerSeconds", "61")]
    [InlineData("Server:StreamAnswerTimeoutSeconds", "0")]
    public void BadServerSetting_FailsNamingTheSetting(string key, string value) =>
        Assert.StartsWith(key + ":", Assert.Single(Fails<ServerOptions>(Server, (key, value)).Failures), StringComparison.Ordinal);

    [Fact]
    public void SamePortTwice_Fails_ButTwoFreePortsDoNot()
    {
        Assert.Contains("must differ", Fails<ServerOptions>(Server, ("Server:GrpcPort", "5000"), ("Server:HttpPort", "5000")).Message, StringComparison.Ordinal);
        Assert.Equal(0, Resolve<ServerOptions>(Server, ("Server:GrpcPort", "0"), ("Server:HttpPort", "0")).HttpPort);
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("0.0.0.0", true)]
    [InlineData("example.com", false)]
    [InlineData("", false)]
    public void IpAddressAttribute_AcceptsOnlyAddresses(string value, bool valid) => Assert.Equal(valid, new IpAddressAttribute().IsValid(value));

    [Fact]
    public void RateLimitBelowOne_FailsNamingTheSetting()
    {
        var exception = Fails<RateLimitOptions>(
            (services, configuration) => services.AddValidatedOptions<RateLimitOptions, RateLimitOptionsValidator>(configuration, RateLimitOptions.SectionName),
            ("RateLimit:BurstLimit", "0"));

        Assert.StartsWith("RateLimit:BurstLimit:", Assert.Single(exception.Failures), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Telemetry:MetricsPath", "metrics")]
    [InlineData("Telemetry:OtlpEndpoint", "not a url")]
    public void BadTelemetrySetting_FailsNamingTheSetting(string key, string value)
    {
        var exception = Fails<TelemetryOptions>(
            (services, configuration) => services.AddValidatedOptions<TelemetryOptions, TelemetryOptionsValidator>(configuration, TelemetryOptions.SectionName),
            (key, value));

        Assert.StartsWith(key + ":", Assert.Single(exception.Failures), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("admin.example.com")]
    [InlineData("https://admin.example.com/")]
    [InlineData("https://admin.example.com/console")]
    [InlineData("ftp://files.example.com")]
    public void CorsOriginThatIsNotAnOrigin_FailsNamingItsIndex(string origin)
    {
        var result = new WebOptionsValidator().Validate(null, new WebOptions { CorsOrigins = ["https://ok.example.com", origin] });

        Assert.StartsWith("Web:CorsOrigins:1 ", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("*")]
    [InlineData("https://admin.example.com")]
    [InlineData("http://localhost:5173")]
    public void CorsOrigin_OrStar_IsAccepted(string origin) =>
        Assert.True(new WebOptionsValidator().Validate(null, new WebOptions { CorsOrigins = [origin] }).Succeeded);

    [Theory]
    [InlineData("Oracle", null, "Storage:Provider")]
    [InlineData("Postgres", null, "ConnectionStrings:Postgres")]
    [InlineData("Postgres", "Hostt=db;Password=secret", "ConnectionStrings:Postgres")]
    public void BadStorage_FailsNamingTheSetting_NeverThePassword(string provider, string? connectionString, string key)
    {
        var result = new StorageOptionsValidator().Validate(null, new StorageOptions { Provider = provider, PostgresConnectionString = connectionString });

        var failure = Assert.Single(result.Failures!);
        Assert.Contains(key, failure, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void PostgresWithAHost_IsAccepted() =>
        Assert.True(new StorageOptionsValidator().Validate(null, new StorageOptions { Provider = "postgres", PostgresConnectionString = "Host=db;Database=users" }).Succeeded);
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using UserSystem.Server.Hosting;
using UserSystem.Server.Security;
using UserSystem.Server.Web;

namespace UserSystem.UnitTests.Options;

/// <summary>A value that does not convert to its setting's type is a validation failure naming the setting and the value, not a binder exception.</summary>
public sealed class SectionBinderTests
{
    private static IConfigurationSection Section(string name, params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(setting => new KeyValuePair<string, string?>(setting.Key, setting.Value)))
            .Build()
            .GetSection(name);

    [Fact]
    public void BadNumber_IsOneLine_AndTheOtherSettingsAreStillBound()
    {
        var options = new ServerOptions();

        var failures = SectionBinder.Bind(Section("Server", ("Server:GrpcPort", "abc"), ("Server:HttpPort", "9090"), ("Server:BindAddress", "0.0.0.0")), options);

        Assert.Equal(["Server:GrpcPort: 'abc' is not a whole number in range."], failures);
        Assert.Equal((50051, 9090, "0.0.0.0"), (options.GrpcPort, options.HttpPort, options.BindAddress));
    }

    [Fact]
    public void EverySettingThatDoesNotConvert_IsReported()
    {
        var failures = SectionBinder.Bind(Section("Server", ("Server:GrpcPort", "abc"), ("Server:BehindTlsProxy", "maybe"), ("Server:ShutdownTimeoutSeconds", "99999999999")), new ServerOptions());

        Assert.Equal(3, failures.Count);
        Assert.Contains("Server:BehindTlsProxy: 'maybe' is not true or false.", failures);
        Assert.Contains("Server:ShutdownTimeoutSeconds: '99999999999' is not a whole number in range.", failures);
    }

    [Fact]
    public void BadEnum_ListsTheNames()
    {
        var failures = SectionBinder.Bind(Section("Auth", ("Auth:Mode", "Sometimes")), new AuthOptions());

        Assert.Equal(["Auth:Mode: 'Sometimes' is not one of None, Jwt."], failures);
    }

    [Fact]
    public void NestedSetting_IsNamedByItsFullPath()
    {
        var options = new AuthOptions();

        var failures = SectionBinder.Bind(Section("Auth", ("Auth:Jwt:RequireHttpsMetadata", "yes please"), ("Auth:Jwt:SigningKeys:0", "k1"), ("Auth:Jwt:SigningKeys:1", "k2")), options);

        Assert.Equal(["Auth:Jwt:RequireHttpsMetadata: 'yes please' is not true or false."], failures);
        Assert.Equal(["k1", "k2"], options.Jwt.SigningKeys);
    }

    [Fact]
    public void GoodValues_BindAsTheBinderDoes()
    {
        var options = new WebOptions();

        var failures = SectionBinder.Bind(Section("Web", ("Web:CorsOrigins:0", "https://a.example"), ("Web:CorsOrigins:1", "https://b.example"), ("Web:Console", "false")), options);

        Assert.Empty(failures);
        Assert.Equal(["https://a.example", "https://b.example"], options.CorsOrigins);
        Assert.False(options.Console);
    }

    [Fact]
    public void ThroughTheRegistration_ABadValueIsAnOptionsValidationFailure()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new("Server:GrpcPort", "abc")]).Build();
        var services = new ServiceCollection();
        services.AddValidatedOptions<ServerOptions, ServerOptionsValidator>(configuration, ServerOptions.SectionName);
        using var provider = services.BuildServiceProvider();

        var exception = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ServerOptions>>().Value);

        Assert.Equal(["Server:GrpcPort: 'abc' is not a whole number in range."], ConfigurationErrors.FailuresOf(exception));
    }

    [Fact]
    public void ReadForRegistration_KeepsTheDefaultOfABadValue_ForValidationToReport()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new("Web:Console", "maybe"), new("Web:CorsOrigins:0", "https://a.example")]).Build();

        var options = configuration.ReadForRegistration<WebOptions>(WebOptions.SectionName);

        Assert.True(options.Console);
        Assert.Equal(["https://a.example"], options.CorsOrigins);
    }
}

using Microsoft.Extensions.Options;

namespace UserSystem.Server.Tests.Hosting;

[CollectionDefinition(nameof(SerialProcessEnvironment), DisableParallelization = true)]
public sealed class SerialProcessEnvironment;

/// <summary>Changes the process environment, so it runs alone: no other test's server may see it.</summary>
[Collection(nameof(SerialProcessEnvironment))]
public sealed class EnvironmentConfigurationTests
{
    [Fact]
    public async Task EnvironmentVariableForm_IsRead()
    {
        // Section__Key is the environment form of Section:Key.
        Environment.SetEnvironmentVariable("Limits__MaxPageSize", "0");
        try
        {
            var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => ConfigurationValidationTests.BuildAndStartAsync("--Server:GrpcPort=0", "--Server:HttpPort=0"));

            Assert.Contains("Limits:MaxPageSize", exception.Message, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("Limits__MaxPageSize", null);
        }
    }

}

using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace UserSystem.Server.Caching;

/// <summary>Rejects a bad <c>Cache:Redis</c> at start, naming the setting (the annotations check the rest).</summary>
public sealed class CacheOptionsValidator : IValidateOptions<CacheOptions>
{
    public ValidateOptionsResult Validate(string? name, CacheOptions options)
    {
        if (!options.UsesRedis)
        {
            return ValidateOptionsResult.Success;
        }

        if (!options.Enabled)
        {
            return ValidateOptionsResult.Fail("Cache:Redis is set but Cache:Enabled is false; remove one of them.");
        }

        try
        {
            var redis = ConfigurationOptions.Parse(options.Redis!);
            return redis.EndPoints.Count == 0
                ? ValidateOptionsResult.Fail("Cache:Redis must name at least one host:port, e.g. 'localhost:6379'.")
                : ValidateOptionsResult.Success;
        }
        catch (ArgumentException exception)
        {
            // The message names the bad option, never the password.
            return ValidateOptionsResult.Fail($"Cache:Redis is not a valid StackExchange.Redis connection string: {exception.Message}");
        }
    }
}

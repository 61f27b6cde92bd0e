using Microsoft.Extensions.Options;
using Npgsql;

namespace UserSystem.Server.Storage;

/// <summary>Rejects a bad <c>Storage</c> section at start, naming the setting.</summary>
public sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        if (options.UsesPostgres)
        {
            return ValidatePostgres(options.PostgresConnectionString);
        }

        if (!string.Equals(options.Provider, StorageProviders.Sqlite, StringComparison.OrdinalIgnoreCase))
        {
            return ValidateOptionsResult.Fail(
                $"Storage:Provider '{options.Provider}' is not supported; use '{StorageProviders.Sqlite}' or '{StorageProviders.Postgres}'.");
        }

        return string.IsNullOrWhiteSpace(options.Sqlite.Path)
            ? ValidateOptionsResult.Fail("Storage:Sqlite:Path must name the database file.")
            : ValidateOptionsResult.Success;
    }

    private static ValidateOptionsResult ValidatePostgres(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return ValidateOptionsResult.Fail(
                "Storage:Provider is 'Postgres' but ConnectionStrings:Postgres is empty; set it (environment: ConnectionStrings__Postgres), " +
                "e.g. 'Host=localhost;Database=users;Username=users;Password=...'.");
        }

        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            return string.IsNullOrWhiteSpace(builder.Host)
                ? ValidateOptionsResult.Fail("ConnectionStrings:Postgres must name a Host.")
                : ValidateOptionsResult.Success;
        }
        catch (ArgumentException exception)
        {
            // The message names the bad keyword, never the password.
            return ValidateOptionsResult.Fail($"ConnectionStrings:Postgres is not a valid Npgsql connection string: {exception.Message}");
        }
    }
}

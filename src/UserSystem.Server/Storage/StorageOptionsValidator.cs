using Microsoft.Extensions.Options;

namespace UserSystem.Server.Storage;

/// <summary>Rejects a bad <c>Storage</c> section at start, naming the setting.</summary>
public sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        if (!string.Equals(options.Provider, StorageProviders.Sqlite, StringComparison.OrdinalIgnoreCase))
        {
            return ValidateOptionsResult.Fail(
                $"Storage:Provider '{options.Provider}' is not supported; use '{StorageProviders.Sqlite}'.");
        }

        return string.IsNullOrWhiteSpace(options.Sqlite.Path)
            ? ValidateOptionsResult.Fail("Storage:Sqlite:Path must name the database file.")
            : ValidateOptionsResult.Success;
    }
}

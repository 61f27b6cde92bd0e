using System.Text.Json;

namespace UserSystem.Cli.Hosting;

/// <summary>
/// The server address and token `users login` keeps, so a user does not repeat them on every
/// command. One JSON file, readable by its owner only (0600): it holds a bearer token. Options
/// and environment variables override it.
/// </summary>
public sealed record CliProfile(string? Address, string? Token)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>
    /// <c>$USERS_CONFIG</c>, else <c>$XDG_CONFIG_HOME/users/profile.json</c>, else
    /// <c>$HOME/.config/users/profile.json</c>; null when none of them is set.
    /// </summary>
    public static string? PathFrom(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (environment("USERS_CONFIG") is { Length: > 0 } explicitPath)
        {
            return explicitPath;
        }

        var configHome = environment("XDG_CONFIG_HOME") is { Length: > 0 } xdg ? xdg
            : environment("HOME") is { Length: > 0 } home ? Path.Combine(home, ".config")
            : null;
        return configHome is null ? null : Path.Combine(configHome, "users", "profile.json");
    }

    /// <summary>The saved profile, or an empty one when there is none.</summary>
    public static CliProfile Load(string? path)
    {
        if (path is null || !File.Exists(path))
        {
            return new CliProfile(null, null);
        }

        try
        {
            return JsonSerializer.Deserialize<CliProfile>(File.ReadAllText(path), Json) ?? new CliProfile(null, null);
        }
        catch (JsonException exception)
        {
            throw new UsageException($"{path} is not a valid profile ({exception.Message}); fix it, or run 'users logout' to remove it.", exception);
        }
    }

    /// <summary>Writes the profile, creating it (and its folder) readable by the owner only.</summary>
    public void Save(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (OperatingSystem.IsWindows())
        {
            // A folder under the user's profile is private to them by its inherited ACL.
            Directory.CreateDirectory(directory);
            File.WriteAllText(path, JsonSerializer.Serialize(this, Json));
            return;
        }

        const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        if (!Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory, OwnerOnly | UnixFileMode.UserExecute);
        }

        using (var file = new FileStream(path, new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = OwnerOnly }))
        {
            JsonSerializer.Serialize(file, this, Json);
        }

        // An existing file keeps its mode on FileMode.Create: narrow it too.
        File.SetUnixFileMode(path, OwnerOnly);
    }
}

using UserSystem.Cli.Hosting;

namespace UserSystem.Cli.Files;

/// <summary>The two file formats of import and export.</summary>
public enum UserFileFormat
{
    Csv,
    Jsonl,
}

public static class UserFileFormats
{
    /// <summary>The explicit --format, else the file extension, else CSV.</summary>
    public static UserFileFormat Resolve(UserFileFormat? explicitFormat, string? path)
    {
        if (explicitFormat is { } format)
        {
            return format;
        }

        return Path.GetExtension(path ?? string.Empty).ToUpperInvariant() switch
        {
            ".JSONL" or ".NDJSON" or ".JSON" => UserFileFormat.Jsonl,
            ".CSV" or "" => UserFileFormat.Csv,
            var other => throw new UsageException($"cannot tell the format of '{path}' from '{other}'; pass --format csv or --format jsonl"),
        };
    }
}

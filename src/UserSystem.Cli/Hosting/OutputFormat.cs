namespace UserSystem.Cli.Hosting;

/// <summary>Tables for people, JSON (proto3 JSON mapping, stable lowerCamelCase names) for scripts.</summary>
public enum OutputFormat
{
    Table,
    Json,
}

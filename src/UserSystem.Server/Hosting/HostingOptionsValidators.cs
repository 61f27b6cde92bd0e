using System.Net;
using Microsoft.Extensions.Options;

namespace UserSystem.Server.Hosting;

/// <summary>Rejects a bad <c>Server</c> section at start, naming each bad setting.</summary>
public sealed class ServerOptionsValidator : IValidateOptions<ServerOptions>
{
    public ValidateOptionsResult Validate(string? name, ServerOptions options)
    {
        var failures = new List<string>();
        OptionRules.Port(failures, "Server:GrpcPort", options.GrpcPort);
        OptionRules.Port(failures, "Server:HttpPort", options.HttpPort);
        if (options.GrpcPort != 0 && options.GrpcPort == options.HttpPort)
        {
            failures.Add($"Server:GrpcPort and Server:HttpPort must differ (both are {options.GrpcPort}).");
        }

        if (!IPAddress.TryParse(options.BindAddress, out _))
        {
            failures.Add($"Server:BindAddress '{options.BindAddress}' is not an IP address (e.g. 127.0.0.1 or 0.0.0.0).");
        }

        OptionRules.Range(failures, "Server:ShutdownTimeoutSeconds", options.ShutdownTimeoutSeconds, 1, 300);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>Rejects a bad <c>Limits</c> section at start, naming each bad setting.</summary>
public sealed class LimitsOptionsValidator : IValidateOptions<LimitsOptions>
{
    public ValidateOptionsResult Validate(string? name, LimitsOptions options)
    {
        var failures = new List<string>();
        OptionRules.Range(failures, "Limits:MaxReceiveMessageBytes", options.MaxReceiveMessageBytes, 1024, 64 * 1024 * 1024);
        OptionRules.Range(failures, "Limits:MaxPageSize", options.MaxPageSize, 1, 10_000);
        OptionRules.Range(failures, "Limits:DefaultPageSize", options.DefaultPageSize, 1, Math.Max(1, options.MaxPageSize));
        OptionRules.Range(failures, "Limits:StreamReadPageSize", options.StreamReadPageSize, 1, 10_000);
        OptionRules.Range(failures, "Limits:MaxStreamDelaySeconds", options.MaxStreamDelaySeconds, 0, 3600);
        OptionRules.Range(failures, "Limits:MaxBatchSize", options.MaxBatchSize, 1, 10_000_000);
        OptionRules.Range(failures, "Limits:MaxStreamDurationSeconds", options.MaxStreamDurationSeconds, 1, 7 * 24 * 3600);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

internal static class OptionRules
{
    public static void Port(List<string> failures, string key, int value) => Range(failures, key, value, 0, 65535);

    public static void Range(List<string> failures, string key, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            failures.Add($"{key} must be between {min} and {max} (was {value}).");
        }
    }
}

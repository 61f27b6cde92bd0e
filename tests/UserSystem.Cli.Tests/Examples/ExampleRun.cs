using System.Diagnostics;

namespace UserSystem.Cli.Tests.Examples;

/// <summary>Runs one of the examples (examples/) as its own process against a server address.</summary>
internal static class ExampleRun
{
    private static readonly TimeSpan ExampleTimeout = TimeSpan.FromSeconds(90);

    public const string Python = "/usr/bin/python3";
    public const string Node = "node";

    public static string PythonScript => Path.Combine(UserSystem.Testing.RepositoryFiles.Root, "examples", "python", "user_client.py");

    public static string NodeScript => Path.Combine(UserSystem.Testing.RepositoryFiles.Root, "examples", "node", "user_client.js");

    /// <summary>The exit code and everything the example wrote; <paramref name="token"/> goes in USERS_TOKEN.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string program, string script, Uri grpcAddress, string? token = null)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add($"{grpcAddress.Host}:{grpcAddress.Port}");
        start.Environment.Remove("USERS_TOKEN");
        if (token is not null)
        {
            start.Environment["USERS_TOKEN"] = token;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(ExampleTimeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}

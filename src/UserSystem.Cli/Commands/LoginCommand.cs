using System.CommandLine;
using UserSystem.Cli.Hosting;

namespace UserSystem.Cli.Commands;

/// <summary>
/// `users login --server URL --token TOKEN`, `users logout` and `users config`: keep a server
/// address and token in the profile (mode 0600), remove them, and show what is in effect.
/// </summary>
internal static class LoginCommand
{
    public static Command Login(CommandRunner runner)
    {
        var server = new Option<string>("--server") { Description = "Server address to keep (as --address takes it)", HelpName = "url" };
        var command = new Command("login", "Keep a server address and a token (--token) in your profile, so later commands need neither.") { server };
        command.SetAction(async (parse, _) =>
        {
            var host = runner.Host;
            var path = CliProfile.PathFrom(host.GetEnvironmentVariable);
            var token = parse.GetValue(runner.Options.Token);
            var address = parse.GetValue(server);
            if (path is null)
            {
                return await UsageAsync(host, "no place for a profile: set HOME, XDG_CONFIG_HOME or USERS_CONFIG.");
            }

            if (token is null && address is null)
            {
                return await UsageAsync(host, "give --server URL, --token TOKEN or both.");
            }

            try
            {
                var saved = CliProfile.Load(path);
                var profile = new CliProfile(
                    address is null ? saved.Address : GlobalOptions.ParseAddress(address).ToString(),
                    token ?? saved.Token);
                profile.Save(path);
                await host.Error.WriteLineAsync($"Saved to {path} (readable by you only).");
                await WriteSettingsAsync(host, profile.Address ?? GlobalOptions.DefaultAddress, profile.Address is null ? "default" : "profile", profile.Token, profile.Token is null ? null : "profile");
                return ExitCodes.Success;
            }
            catch (UsageException exception)
            {
                return await UsageAsync(host, exception.Message);
            }
        });
        return command;
    }

    public static Command Logout(CommandRunner runner)
    {
        var command = new Command("logout", "Remove the profile 'users login' saved (its address and token).");
        command.SetAction(async (_, _) =>
        {
            var path = CliProfile.PathFrom(runner.Host.GetEnvironmentVariable);
            if (path is not null && File.Exists(path))
            {
                File.Delete(path);
                await runner.Host.Error.WriteLineAsync($"Removed {path}.");
            }
            else
            {
                await runner.Host.Error.WriteLineAsync("No profile to remove.");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    public static Command Config(CommandRunner runner)
    {
        var command = new Command("config", "Show the server address and token in effect, and where each comes from.");
        command.SetAction(async (parse, _) =>
        {
            var host = runner.Host;
            var path = CliProfile.PathFrom(host.GetEnvironmentVariable);
            try
            {
                var settings = runner.Options.Read(parse, host.GetEnvironmentVariable);
                await host.Out.WriteLineAsync($"profile: {path ?? "(none: HOME is not set)"}{(path is not null && File.Exists(path) ? string.Empty : " (not saved)")}");
                await WriteSettingsAsync(host, string.Join(", ", settings.Addresses), settings.AddressSource, settings.Token, settings.TokenSource);
                return ExitCodes.Success;
            }
            catch (UsageException exception)
            {
                return await UsageAsync(host, exception.Message);
            }
        });
        return command;
    }

    // The same two lines after login and in config. Never the token itself: the screen may be shared or recorded.
    private static async Task WriteSettingsAsync(CliHost host, string address, string addressSource, string? token, string? tokenSource)
    {
        await host.Out.WriteLineAsync($"address: {address} (from {addressSource})");
        await host.Out.WriteLineAsync(token is null ? "token:   none" : $"token:   {Describe(token, DateTimeOffset.UtcNow)} (from {tokenSource})");
    }

    private static string Describe(string token, DateTimeOffset now) =>
        TokenSummary.Read(token)?.Describe(now) ?? "set, but not a JWT the CLI can read";

    private static async Task<int> UsageAsync(CliHost host, string message)
    {
        await host.Error.WriteLineAsync("error: " + message);
        return ExitCodes.Usage;
    }
}

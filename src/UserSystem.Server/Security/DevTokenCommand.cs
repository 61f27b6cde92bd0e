using System.Globalization;

namespace UserSystem.Server.Security;

/// <summary>
/// <c>UserSystem.Server token --subject alice [--user-id 1] [--email a@example.com] [--role admin] [--minutes 60]</c>:
/// prints a short-lived HS256 token signed with the configured <c>Auth:Jwt:SigningKey</c>. Other
/// arguments (<c>--Section:Key=value</c>) are configuration, as for the server itself.
/// </summary>
public static class DevTokenCommand
{
    public const string Name = "token";
    private const int MaxMinutes = 24 * 60;

    private const string Usage = """
        usage: token --subject NAME [--user-id ID] [--email EMAIL] [--role ROLE]... [--minutes 1-1440]
          Prints a JWT signed with Auth:Jwt:SigningKey (e.g. export Auth__Jwt__SigningKey="$(openssl rand -base64 32)").
        """;

    public static bool IsInvoked(string[] args) => args.Length > 0 && args[0] == Name;

    /// <summary>Runs the command with <paramref name="args"/> after the command name; returns the exit code.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        string? subject = null, email = null;
        int? userId = null;
        var minutes = 60;
        var roles = new List<string>();
        var configuration = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var option = args[i];
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{option} needs a value.");
            try
            {
                switch (option)
                {
                    case "--subject": subject = Next(); break;
                    case "--email": email = Next(); break;
                    case "--role": roles.Add(Next()); break;
                    case "--user-id": userId = PositiveInt(option, Next(), int.MaxValue); break;
                    case "--minutes": minutes = PositiveInt(option, Next(), MaxMinutes); break;
                    default: configuration.Add(option); break;
                }
            }
            catch (ArgumentException exception)
            {
                return Fail(error, exception.Message);
            }
        }

        if (string.IsNullOrWhiteSpace(subject))
        {
            return Fail(error, "--subject is required.");
        }

        var jwt = ReadJwtOptions([.. configuration]);
        if (!jwt.UsesSigningKey)
        {
            return Fail(error, "Auth:Jwt:SigningKey is not configured; tokens can only be minted with the development signing key.");
        }

        try
        {
            output.WriteLine(DevTokenMinter.Mint(jwt, new DevTokenRequest(subject, userId, email, roles, TimeSpan.FromMinutes(minutes), EmailVerified: email is not null)));
            return 0;
        }
        catch (FormatException)
        {
            return Fail(error, "Auth:Jwt:SigningKey is not valid base64.");
        }
    }

    // The same configuration sources as the server (appsettings, environment, command line), without starting it.
    private static JwtAuthOptions ReadJwtOptions(string[] configurationArgs) =>
        UserSystemServer.CreateBuilder(configurationArgs).Configuration.GetSection($"{AuthOptions.SectionName}:{nameof(AuthOptions.Jwt)}").Get<JwtAuthOptions>()
        ?? new JwtAuthOptions();

    private static int PositiveInt(string option, string value, int max) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= 1 && number <= max
            ? number
            : throw new ArgumentException($"{option} must be a whole number from 1 to {max} (was '{value}').");

    private static int Fail(TextWriter error, string message)
    {
        error.WriteLine(message);
        error.WriteLine(Usage);
        return 2;
    }
}

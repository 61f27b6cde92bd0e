using Microsoft.Extensions.Options;

namespace UserSystem.Server.Security;

/// <summary>Says at start how callers are authenticated; loudly when they are not.</summary>
internal sealed class AuthModeStartupLog(IOptions<AuthOptions> options, ILogger<AuthModeStartupLog> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var auth = options.Value;
        if (auth.Mode == AuthMode.None)
        {
            SecurityLog.AuthenticationOff(logger);
        }
        else
        {
            SecurityLog.JwtEnabled(logger, auth.Jwt.UsesSigningKey ? "HS256 signing key" : $"authority {auth.Jwt.Authority}", auth.Jwt.Audience);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

namespace UserSystem.Server.Security;

/// <summary>Security log lines, with stable event ids (4000-4099).</summary>
internal static partial class SecurityLog
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Warning, Message = "AUTHENTICATION IS OFF (Auth:Mode=None): every caller on loopback is treated as an admin. Never run this way where others can connect; set Auth:Mode=Jwt.")]
    public static partial void AuthenticationOff(ILogger logger);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Authentication: JWT bearer tokens ({KeySource}), audience {Audience}")]
    public static partial void JwtEnabled(ILogger logger, string keySource, string audience);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "audit: {Actor} refused {Path}: {Outcome} (request id {RequestId})")]
    public static partial void Refused(ILogger logger, string actor, string path, string outcome, string requestId);
}

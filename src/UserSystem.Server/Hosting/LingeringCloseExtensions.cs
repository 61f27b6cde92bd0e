using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace UserSystem.Server.Hosting;

internal static class LingeringCloseExtensions
{
    /// <summary>Adds <see cref="LingeringCloseMiddleware"/> to an endpoint's connections; a zero <paramref name="linger"/> adds nothing.</summary>
    public static void UseLingeringClose(this ListenOptions listen, TimeSpan linger)
    {
        if (linger > TimeSpan.Zero)
        {
            listen.Use(next => new LingeringCloseMiddleware(next, linger).OnConnectedAsync);
        }
    }
}

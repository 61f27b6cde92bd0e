namespace UserSystem.Server.Hosting;

/// <summary>
/// Starts a long-lived loop from inside a request without that request's execution context. A
/// loop started by the first commit or the first watcher would otherwise carry the request's log
/// scope and trace for its whole life: its log lines would read the request's HttpContext long
/// after the request ended, and the logger's exception would end the loop.
/// </summary>
internal static class DetachedTask
{
    public static Task Run(Func<Task> loop)
    {
        using (ExecutionContext.SuppressFlow())
        {
            return Task.Run(loop);
        }
    }
}

using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;

namespace UserSystem.Server.Hosting;

/// <summary>
/// Keeps a gRPC connection open after Kestrel's HTTP/2 layer is done with it (the final GOAWAY of a
/// graceful stop) until the client closes it, at most <c>Server:CloseLingerSeconds</c>, reading and
/// discarding what the client still sends. Kestrel would close the socket at once, and a client
/// whose stream is still open on its side (a chat whose requests it has not completed: Kestrel's
/// RST_STREAM NO_ERROR that says "stop sending" can lose the race with that close) aborts the
/// stream when the connection ends, dropping answers it had received but not read yet. A client
/// closes the connection itself once its last stream is done, so an idle one is not held. An
/// abort is not delayed, and <c>Server:ShutdownTimeoutSeconds</c> still bounds a stop.
/// </summary>
internal sealed class LingeringCloseMiddleware(ConnectionDelegate next, TimeSpan linger)
{
    public async Task OnConnectedAsync(ConnectionContext connection)
    {
        var transport = connection.Transport;
        connection.Transport = new DeferredCompletionPipe(transport);
        try
        {
            await next(connection);
        }
        finally
        {
            connection.Transport = transport;
        }

        await DrainUntilClosedAsync(transport.Input, connection.ConnectionClosed);
    }

    private async Task DrainUntilClosedAsync(PipeReader input, CancellationToken aborted)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        timeout.CancelAfter(linger);
        try
        {
            while (true)
            {
                var read = await input.ReadAsync(timeout.Token);
                input.AdvanceTo(read.Buffer.End);
                if (read.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or ConnectionResetException or IOException or ObjectDisposedException)
        {
            // The client did not close in time, or the connection is gone already: close it now.
        }
    }
}

using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace UserSystem.Server.Hosting;

/// <summary>
/// Closes a connection the way a client cannot lose an answer by: a lingering close. Kestrel closes
/// its socket as soon as the HTTP layer is done (after the final GOAWAY of a graceful stop). A
/// client still sends frames then (PINGs and WINDOW_UPDATEs for the answer it is receiving); a
/// socket closed with such bytes unread makes the kernel send a reset, and the client drops the
/// answers it had received but not read yet. So when the HTTP layer is done this half-closes the
/// socket (FIN after the last answer), reads and discards until the client closes its side, at
/// most <c>Server:CloseLingerSeconds</c>, and only then lets Kestrel close it. An abort is not
/// delayed, and a stop's <c>Server:ShutdownTimeoutSeconds</c> still bounds everything.
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

        if (connection.Features.Get<IConnectionSocketFeature>()?.Socket is { } socket)
        {
            await LingerAsync(socket, transport.Input, connection.ConnectionClosed);
        }
    }

    private async Task LingerAsync(Socket socket, System.IO.Pipelines.PipeReader input, CancellationToken aborted)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        timeout.CancelAfter(linger);
        try
        {
            // Kestrel has flushed every frame; the FIN goes after them.
            socket.Shutdown(SocketShutdown.Send);
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
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException or ConnectionResetException or IOException)
        {
            // The client did not close in time, or the connection is gone already: close it now.
        }
    }
}

using Grpc.Core;
using Npgsql;
using UserSystem.Contracts;

namespace UserSystem.Bench.CacheStaleness;

/// <summary>A CreateBatchUsers whose client keeps streaming slowly, so its transaction stays open.</summary>
internal sealed class HeldBatch : IAsyncDisposable
{
    // Enough for the COPY to reach PostgreSQL and draw a transaction id.
    private const int FirstItems = 300;
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(500);

    private readonly AsyncClientStreamingCall<CreateUserRequest, CreateUserResponse> _call;
    private readonly string _run;
    private readonly CancellationTokenSource _stop = new();
    private Task _sending = Task.CompletedTask;
    private int _sent;

    private HeldBatch(AsyncClientStreamingCall<CreateUserRequest, CreateUserResponse> call, string run)
    {
        _call = call;
        _run = run;
    }

    public static async Task<HeldBatch> StartAsync(UserService.UserServiceClient client, string run, NpgsqlDataSource database)
    {
        var batch = new HeldBatch(client.CreateBatchUsers(deadline: DateTime.UtcNow.AddMinutes(25)), run);
        for (var i = 0; i < FirstItems; i++)
        {
            await batch.SendAsync();
        }

        while (!await IsHoldingAsync(database))
        {
            await Task.Delay(50);
        }

        batch._sending = batch.KeepSendingAsync();
        return batch;
    }

    /// <summary>Whether a batch's COPY is running in a transaction with an id (every newer event waits behind it).</summary>
    public static async Task<bool> IsHoldingAsync(NpgsqlDataSource database)
    {
        await using var command = database.CreateCommand(
            "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND backend_xid IS NOT NULL AND query LIKE 'COPY users%');");
        return (bool)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Stops sending slowly, ends the stream and returns how many users the batch created.</summary>
    public async Task<int> CompleteAsync()
    {
        await _stop.CancelAsync();
        await _sending;
        await _call.RequestStream.CompleteAsync();
        return (await _call.ResponseAsync).CreatedCount;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sending;
        _call.Dispose();
        _stop.Dispose();
    }

    private Task SendAsync() =>
        _call.RequestStream.WriteAsync(new CreateUserRequest { Name = "Held", Email = $"held-{_run}-{_sent++}@example.com", Age = 30 });

    private async Task KeepSendingAsync()
    {
        try
        {
            while (true)
            {
                await Task.Delay(Pace, _stop.Token);
                await SendAsync();
            }
        }
        catch (OperationCanceledException)
        {
            // CompleteAsync or DisposeAsync: stop sending.
        }
    }
}

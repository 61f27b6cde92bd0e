using UserSystem.Server.Hosting;

namespace UserSystem.Server.Storage;

/// <summary>Applies schema migrations before any endpoint starts listening.</summary>
public sealed class StorageInitializer(IUserStore store) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await store.InitializeAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The most common first failure on PostgreSQL: a wrong address, password or database name.
            throw new StartupFailedException(
                $"The user database could not be opened or migrated: {exception.Message.TrimEnd('.')}. Check Storage:Provider and ConnectionStrings:Postgres (or Storage:Sqlite:Path).",
                exception);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

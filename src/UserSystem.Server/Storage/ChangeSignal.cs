namespace UserSystem.Server.Storage;

/// <summary>
/// An in-process "something changed" pulse. Waiters take <see cref="Next"/> before checking
/// the table, so a pulse between their check and their wait is never missed.
/// </summary>
internal sealed class ChangeSignal
{
    private TaskCompletionSource _next = NewSource();

    /// <summary>Completes at the next <see cref="Pulse"/>.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    public void Pulse() => Interlocked.Exchange(ref _next, NewSource()).TrySetResult();

    // Continuations must not run inline on the committing writer's thread.
    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

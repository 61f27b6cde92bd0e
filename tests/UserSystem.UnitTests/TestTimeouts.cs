namespace UserSystem.UnitTests;

/// <summary>A default timeout on every await, so a hang fails the test fast instead of the run.</summary>
internal static class TestTimeouts
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static Task DefaultTimeout(this Task task) => task.WaitAsync(Timeout);

    public static Task<T> DefaultTimeout<T>(this Task<T> task) => task.WaitAsync(Timeout);
}

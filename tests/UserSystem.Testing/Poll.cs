namespace UserSystem.Testing;

/// <summary>Waits for a condition that another process or thread makes true; pair it with <c>DefaultTimeout()</c>.</summary>
public static class Poll
{
    public static async Task UntilAsync(Func<bool> condition)
    {
        while (!condition())
        {
            await Task.Delay(50);
        }
    }

    /// <inheritdoc cref="UntilAsync(Func{bool})"/>
    public static async Task UntilAsync(Func<Task<bool>> condition)
    {
        while (!await condition())
        {
            await Task.Delay(50);
        }
    }
}

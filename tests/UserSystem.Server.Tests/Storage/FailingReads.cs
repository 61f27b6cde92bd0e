using System.Diagnostics;
using System.Reflection;
using UserSystem.Server.Domain;
using UserSystem.Server.Storage;

namespace UserSystem.Server.Tests.Storage;

/// <summary>
/// The real store, counting its event reads and noting the trace each ran in, except that the next event read after
/// <see cref="FailNextRead"/> throws.
/// </summary>
public class FailingReads : DispatchProxy
{
    private IUserStore _inner = null!;
    private int _failNext;
    private int _reads;
    private string? _lastReadActivity;

    public static IUserStore Wrap(IUserStore inner)
    {
        var proxy = Create<IUserStore, FailingReads>();
        ((FailingReads)(object)proxy)._inner = inner;
        return proxy;
    }

    public static void FailNextRead(IUserStore proxy) => Volatile.Write(ref Of(proxy)._failNext, 1);

    public static bool FailurePending(IUserStore proxy) => Volatile.Read(ref Of(proxy)._failNext) == 1;

    /// <summary>How many times <see cref="IUserStore.ReadEventsAsync"/> was called, failed ones included.</summary>
    public static int EventReads(IUserStore proxy) => Volatile.Read(ref Of(proxy)._reads);

    /// <summary>The operation name of <see cref="Activity.Current"/> at the last event read, if any.</summary>
    public static string? LastReadActivity(IUserStore proxy) => Volatile.Read(ref Of(proxy)._lastReadActivity);

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        if (targetMethod!.Name == nameof(IUserStore.ReadEventsAsync))
        {
            Volatile.Write(ref _lastReadActivity, Activity.Current?.OperationName);
            Interlocked.Increment(ref _reads);
            if (Interlocked.Exchange(ref _failNext, 0) == 1)
            {
                return Task.FromException<IReadOnlyList<UserEvent>>(new InvalidOperationException("the store failed"));
            }
        }

        try
        {
            return targetMethod.Invoke(_inner, args);
        }
        catch (TargetInvocationException exception) when (exception.InnerException is not null)
        {
            throw exception.InnerException;
        }
    }

    private static FailingReads Of(IUserStore proxy) => (FailingReads)(object)proxy;
}

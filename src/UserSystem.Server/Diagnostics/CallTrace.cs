namespace UserSystem.Server.Diagnostics;

/// <summary>
/// The layers a request actually passed through, in order, recorded only when a test put this
/// feature on the request (one feature lookup per layer otherwise). Pins the pipeline's order by
/// behaviour, as grpc-dotnet's InterceptorOrderTests do, rather than by the registration list.
/// </summary>
public sealed class CallTrace
{
    public const string RequestContext = "request-context";
    public const string CallObserver = "call-observer";
    public const string CallerLimits = "caller-limits";
    public const string ErrorMapping = "error-mapping";
    public const string StreamLifetime = "stream-lifetime";

    private readonly List<string> _layers = [];

    public IReadOnlyList<string> Layers
    {
        get
        {
            lock (_layers)
            {
                return [.. _layers];
            }
        }
    }

    public void Add(string layer)
    {
        lock (_layers)
        {
            _layers.Add(layer);
        }
    }

    public static void Mark(HttpContext? context, string layer) => context?.Features.Get<CallTrace>()?.Add(layer);
}

using System.Collections;
using UserSystem.Server.Security;

namespace UserSystem.Server.Hosting;

/// <summary>
/// The log scope of a request: <c>RequestId</c> and <c>Actor</c> (the token subject, never the
/// token or an email). The actor is read when a line is written, so lines written after
/// authentication name the caller although the scope opens before it.
/// </summary>
internal sealed class RequestLogScope(string requestId, HttpContext context) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public int Count => 2;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("RequestId", requestId),
        1 => new("Actor", context.GetCaller().Actor),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        yield return this[0];
        yield return this[1];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"RequestId:{requestId} Actor:{this[1].Value}";
}

using Grpc.Core;
using UserSystem.Server.Domain;

namespace UserSystem.Server.Rpc;

public static class ChangeContextExtensions
{
    /// <summary>Who is calling and under which request id, for the event a change records.</summary>
    public static ChangeContext GetChangeContext(this ServerCallContext context)
    {
        // Null while the call is anonymous; authentication, once configured, fills the identity.
        var identity = context.GetHttpContext().User.Identity;
        var actor = identity is { IsAuthenticated: true, Name: { Length: > 0 } name } ? name : null;
        return new ChangeContext(actor, context.GetRequestId());
    }
}

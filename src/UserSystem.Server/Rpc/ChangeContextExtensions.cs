using Grpc.Core;
using UserSystem.Server.Domain;
using UserSystem.Server.Security;

namespace UserSystem.Server.Rpc;

public static class ChangeContextExtensions
{
    /// <summary>Who is calling and under which request id, for the event a change records.</summary>
    public static ChangeContext GetChangeContext(this ServerCallContext context)
    {
        // The same caller name the audit log uses (the token's subject, or "local-admin" in
        // Auth:Mode=None); null for an anonymous caller, who should never get this far.
        var caller = context.GetCaller();
        var actor = caller.Subject is null && !caller.IsAdmin ? null : caller.Actor;
        return new ChangeContext(actor, context.GetRequestId());
    }
}

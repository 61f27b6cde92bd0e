using UserSystem.Server.Domain;
using UserSystem.Server.Storage;
using UserSystem.Validation;

namespace UserSystem.Server.Rpc;

/// <summary>
/// A CreateUser <c>request_id</c> (AIP-155) replays the first call's answer only for the same
/// caller sending the same request. The store answers a reused key with the user it created;
/// that user's CREATED event says who created it and with what, and a different caller or a
/// different name, email, age or hobbies is refused with INVALID_ARGUMENT naming
/// <c>request_id</c> (one message for both, so nothing about the other call is revealed).
/// </summary>
public static class IdempotentReplay
{
    public static async Task EnsureSameRequestAsync(IUserStore store, UserAccount answered, NewUser requested, string? actor, CancellationToken cancellationToken)
    {
        // With retention the CREATED event may be gone: then the user as stored now is compared.
        var creation = await store.FindCreationAsync(answered.Id, cancellationToken);
        var created = creation?.User ?? answered;
        var sameCaller = creation is null || string.Equals(creation.Actor, actor, StringComparison.Ordinal);
        var samePayload = created.Name == requested.Name
            && EmailKeys.For(created.Email) == EmailKeys.For(requested.Email)
            && created.Age == requested.Age
            && created.Hobbies.SequenceEqual(requested.Hobbies, StringComparer.Ordinal);
        if (!sameCaller || !samePayload)
        {
            throw InvalidInputException.ForField("request_id", "was already used for a different request; use a new request_id for a new user");
        }
    }
}

using UserSystem.Server.Domain;
using UserSystem.Validation;

namespace UserSystem.Server.Storage;

/// <summary>
/// CreateUser's request id (AIP-155), alike on both engines: a create with a request id an
/// earlier create used stores nothing and answers with that create's user as it is now, for the
/// same caller sending the same user. The unique index on <c>users.create_request_id</c> tells a
/// retry from a first attempt, so a first attempt costs no lookup: the insert comes first, and
/// only when it is refused is the earlier user read.
/// </summary>
internal static class IdempotentCreate
{
    /// <summary>Finds the user an earlier create with this request id stored, as SQL taking <c>@request_key</c>.</summary>
    public const string FindSql = $"SELECT {UserRowReader.Columns} FROM users WHERE create_request_id = @request_key;";

    /// <summary>The unique index on <c>create_request_id</c>.</summary>
    public const string Index = "users_create_request_id";

    /// <summary>
    /// Answers a create of <paramref name="requested"/> by <paramref name="actor"/> with
    /// <paramref name="requestId"/> (null: none). <paramref name="insert"/> stores the user, and
    /// throws <see cref="RequestIdTakenException"/> or <see cref="DuplicateEmailException"/> when
    /// an index refuses it (a retry's email is usually taken by its own first attempt);
    /// <paramref name="find"/> reads the user <see cref="FindSql"/> names, or null;
    /// <paramref name="findCreation"/> reads a user's CREATED event, or null.
    /// </summary>
    /// <exception cref="InvalidInputException">The request id was used by another caller or for another user.</exception>
    public static async Task<UserAccount> CreateAsync(
        string? requestId,
        NewUser requested,
        string? actor,
        Func<CancellationToken, Task<UserAccount>> insert,
        Func<string, CancellationToken, Task<UserAccount?>> find,
        Func<int, CancellationToken, Task<UserEvent?>> findCreation,
        CancellationToken cancellationToken)
    {
        if (requestId is null)
        {
            return await insert(cancellationToken);
        }

        try
        {
            return await insert(cancellationToken);
        }
        catch (Exception refused) when (refused is RequestIdTakenException or DuplicateEmailException)
        {
            var earlier = await find(requestId, cancellationToken);
            if (earlier is null)
            {
                if (refused is DuplicateEmailException)
                {
                    // Nobody holds the request id: the email is someone else's.
                    throw;
                }

                throw new InvalidOperationException("The create that holds this request id is gone.");
            }

            await EnsureSameRequestAsync(earlier, requested, actor, findCreation, cancellationToken);
            return earlier;
        }
    }

    // A reused request id replays the first call's answer only for the same caller sending the
    // same user; otherwise it is refused with one message for both cases, so nothing about the
    // other call is revealed. With retention the CREATED event may be gone: then the user as
    // stored now is compared.
    private static async Task EnsureSameRequestAsync(
        UserAccount earlier, NewUser requested, string? actor, Func<int, CancellationToken, Task<UserEvent?>> findCreation, CancellationToken cancellationToken)
    {
        var creation = await findCreation(earlier.Id, cancellationToken);
        var created = creation?.User ?? earlier;
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

/// <summary>A create lost the race for its request id to a concurrent create with the same one.</summary>
internal sealed class RequestIdTakenException : Exception;

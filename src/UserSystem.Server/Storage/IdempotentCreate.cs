using UserSystem.Server.Domain;

namespace UserSystem.Server.Storage;

/// <summary>
/// CreateUser's request id (AIP-155), alike on both engines: a create with a request id an
/// earlier create used stores nothing and answers with that create's user as it is now. The
/// unique index on <c>users.create_request_id</c> settles a race between two creates with one id.
/// </summary>
internal static class IdempotentCreate
{
    /// <summary>Finds the user an earlier create with this request id stored, as SQL taking <c>@request_key</c>.</summary>
    public const string FindSql = $"SELECT {UserRowReader.Columns} FROM users WHERE create_request_id = @request_key;";

    /// <summary>The unique index on <c>create_request_id</c>.</summary>
    public const string Index = "users_create_request_id";

    /// <summary>
    /// Answers a create with <paramref name="requestId"/> (null: none): <paramref name="find"/>
    /// reads the user <see cref="FindSql"/> names, or null; <paramref name="insert"/> stores the
    /// user and throws <see cref="RequestIdTakenException"/> when the index refuses the request id.
    /// </summary>
    public static async Task<UserAccount> CreateAsync(
        string? requestId,
        Func<string, CancellationToken, Task<UserAccount?>> find,
        Func<CancellationToken, Task<UserAccount>> insert,
        CancellationToken cancellationToken)
    {
        if (requestId is not null && await find(requestId, cancellationToken) is { } earlier)
        {
            return earlier;
        }

        try
        {
            return await insert(cancellationToken);
        }
        catch (RequestIdTakenException) when (requestId is not null)
        {
            // A concurrent create with the same request id committed first: answer with its user.
            return await find(requestId, cancellationToken)
                ?? throw new InvalidOperationException("The create that holds this request id is gone.");
        }
    }
}

/// <summary>A create lost the race for its request id to a concurrent create with the same one.</summary>
internal sealed class RequestIdTakenException : Exception;

using Contract = UserSystem.Contracts;
using Grpc.Core;
using UserSystem.Server.Domain;
using UserSystem.Validation;

namespace UserSystem.Server.Rpc;

/// <summary>Turns create requests into valid users, or throws one <see cref="InvalidInputException"/>.</summary>
public static class UserRequestValidation
{
    public static NewUser ToValidNewUser(Contract.CreateUserRequest request, int? batchPosition = null)
    {
        var user = UserContractMapper.ToNewUser(request);
        var violations = NewUserValidator.Validate(user);
        if (violations.Count == 0)
        {
            return user;
        }

        var summary = string.Join("; ", violations.Select(v => $"{v.Field} {v.Description}"));
        var message = batchPosition is { } position ? $"Batch item {position} is invalid: {summary}" : $"Invalid user: {summary}";
        throw new InvalidInputException(message, violations);
    }

    /// <summary>CreateUser's optional request_id (AIP-155), or null when none was sent.</summary>
    public static string? ToValidIdempotencyKey(Contract.CreateUserRequest request)
    {
        const int MaxLength = 128;
        var key = request.RequestId;
        return key.Length == 0 ? null
            : key.Length <= MaxLength && key.All(c => c is > ' ' and <= '~') ? key
            : throw InvalidInputException.ForField("request_id", $"must be at most {MaxLength} printable ASCII characters without spaces");
    }

    /// <summary>
    /// Validates each streamed request as it arrives, numbering items from 1; an item past
    /// <paramref name="maxItems"/> (<c>Limits:MaxBatchSize</c>) fails the batch like an invalid one,
    /// inside the store's read, so an all-or-nothing batch stores nothing.
    /// </summary>
    public static async IAsyncEnumerable<NewUser> ReadValidNewUsersAsync(
        this IAsyncStreamReader<Contract.CreateUserRequest> requests,
        int maxItems,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var position = 0;
        while (await requests.MoveNext(cancellationToken))
        {
            if (++position > maxItems)
            {
                throw InvalidInputException.ForField("batch", $"holds more than the maximum of {maxItems} items per call (Limits:MaxBatchSize); nothing was stored, split it into smaller batches");
            }

            yield return ToValidNewUser(requests.Current, position);
        }
    }
}

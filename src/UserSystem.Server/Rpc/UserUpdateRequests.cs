using Contract = UserSystem.Contracts;
using UserSystem.Server.Domain;
using UserSystem.Validation;

namespace UserSystem.Server.Rpc;

/// <summary>Turns an <c>UpdateUser</c> request (user + field mask) into valid <see cref="UserChanges"/>.</summary>
public static class UserUpdateRequests
{
    /// <summary>The user fields an update mask may name.</summary>
    public static readonly IReadOnlyList<string> UpdatablePaths = ["name", "email", "age", "hobbies"];

    public static UserChanges ToValidChanges(Contract.UpdateUserRequest request)
    {
        var paths = ReadMask(request);
        var user = request.User;
        var candidate = UserContractMapper.ToNewUser(new Contract.CreateUserRequest
        {
            Name = user.Name,
            Email = user.Email,
            Age = user.Age,
            Hobbies = { user.Hobbies },
        });
        // The new-user rules, applied only to the fields the mask changes.
        var violations = NewUserValidator.Validate(candidate)
            .Where(violation => paths.Contains(violation.Field.Split('[')[0]))
            .Select(violation => violation with { Field = "user." + violation.Field })
            .ToList();
        if (violations.Count > 0)
        {
            throw new InvalidInputException(
                "Invalid update: " + string.Join("; ", violations.Select(v => $"{v.Field} {v.Description}")), violations);
        }

        return new UserChanges(
            Name: paths.Contains("name") ? candidate.Name : null,
            Email: paths.Contains("email") ? candidate.Email : null,
            Age: paths.Contains("age") ? candidate.Age : null,
            Hobbies: paths.Contains("hobbies") ? candidate.Hobbies : null);
    }

    private static HashSet<string> ReadMask(Contract.UpdateUserRequest request)
    {
        if (request.User is null)
        {
            throw InvalidInputException.ForField("user", "is required");
        }

        if (request.User.Id <= 0)
        {
            throw InvalidInputException.ForField("user.id", "must be a positive number");
        }

        var paths = request.UpdateMask?.Paths ?? [];
        if (paths.Count == 0)
        {
            throw InvalidInputException.ForField("update_mask", $"must list the fields to change: {string.Join(", ", UpdatablePaths)} or *");
        }

        if (paths.Contains("*"))
        {
            return paths.Count == 1
                ? [.. UpdatablePaths]
                : throw InvalidInputException.ForField("update_mask", "\"*\" must be the only path");
        }

        var unknown = paths.Where(path => !UpdatablePaths.Contains(path)).ToArray();
        return unknown.Length == 0
            ? [.. paths]
            : throw InvalidInputException.ForField(
                "update_mask", $"has paths that cannot be updated: {string.Join(", ", unknown)} (updatable: {string.Join(", ", UpdatablePaths)})");
    }
}

using Contract = UserSystem.Contracts;
using Google.Protobuf.WellKnownTypes;
using UserSystem.Server.Domain;
using UserSystem.Validation;

namespace UserSystem.Server.Rpc;

/// <summary>The one place that translates between contract messages and the domain.</summary>
public static class UserContractMapper
{
    /// <summary>Normalizes a request into a candidate user: names, emails and hobbies are trimmed.</summary>
    public static NewUser ToNewUser(Contract.CreateUserRequest request) =>
        NewUser.Normalized(request.Name, request.Email, request.Age, request.Hobbies);

    public static Contract.User ToContract(this UserAccount user) => new()
    {
        Id = user.Id,
        Name = user.Name,
        Email = user.Email,
        Age = user.Age,
        Hobbies = { user.Hobbies },
        Status = (Contract.UserStatus)user.Status,
        CreateTime = Timestamp.FromDateTimeOffset(user.CreatedAt),
        UpdateTime = Timestamp.FromDateTimeOffset(user.UpdatedAt),
        Etag = Etags.For(user.Version),
    };

    public static Contract.UserEvent ToContract(this UserEvent change) => new()
    {
        EventId = change.Sequence,
        Kind = (Contract.UserEventKind)change.Kind,
        UserId = change.UserId,
        User = change.User.ToContract(),
        Actor = change.Actor ?? "",
        RequestId = change.RequestId ?? "",
        EventTime = Timestamp.FromDateTimeOffset(change.Time),
    };

    public static Contract.IdRange ToContract(this IdRange range) => new() { First = range.First, Last = range.Last };
}

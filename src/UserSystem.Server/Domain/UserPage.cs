namespace UserSystem.Server.Domain;

/// <summary>One page of users in id order, with the total number of users.</summary>
public sealed record UserPage(IReadOnlyList<UserAccount> Users, long Total);

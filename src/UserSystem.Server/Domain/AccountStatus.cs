namespace UserSystem.Server.Domain;

/// <summary>A user's status; the numbers match the contract's <c>UserStatus</c>.</summary>
public enum AccountStatus
{
    Inactive = 0,
    Active = 1,
    Suspended = 2,
}

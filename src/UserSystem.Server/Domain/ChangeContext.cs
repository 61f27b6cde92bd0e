namespace UserSystem.Server.Domain;

/// <summary>Who made a change and in which call: recorded with the change's event.</summary>
/// <param name="Actor">The authenticated caller, or null while the call is anonymous.</param>
/// <param name="RequestId">The call's request id (the one the logs carry).</param>
public sealed record ChangeContext(string? Actor, string? RequestId)
{
    public static readonly ChangeContext None = new(null, null);
}

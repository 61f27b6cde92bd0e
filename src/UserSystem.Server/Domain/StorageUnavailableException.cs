namespace UserSystem.Server.Domain;

/// <summary>
/// The database cannot be reached, or did not answer in time: nothing was decided, so the call
/// may be retried. The message names the database, never the reason's detail (that is logged).
/// </summary>
public sealed class StorageUnavailableException(string database, Exception? innerException = null)
    : UserDomainException($"The user database ({database}) cannot be reached or did not answer in time; retry later", innerException)
{
    public string Database { get; } = database;
}

namespace UserSystem.Cli.Hosting;

/// <summary>A problem with what the user typed or gave us (options, files): exit code 2, message only.</summary>
public sealed class UsageException : Exception
{
    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public UsageException()
    {
    }
}

namespace UserSystem.Server.Hosting;

/// <summary>
/// An expected reason the server cannot start (its database cannot be opened, say), told as a
/// sentence: <c>Program</c> prints the message as one line, without a stack trace.
/// </summary>
public sealed class StartupFailedException(string message, Exception? innerException = null) : Exception(message, innerException);

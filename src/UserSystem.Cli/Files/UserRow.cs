using UserSystem.Contracts;

namespace UserSystem.Cli.Files;

/// <summary>One user read from a file or typed in chat, with the line it came from.</summary>
public sealed record UserRow(int Line, string Name, string Email, int Age, IReadOnlyList<string> Hobbies)
{
    public CreateUserRequest ToRequest() => new() { Name = Name, Email = Email, Age = Age, Hobbies = { Hobbies } };
}

/// <summary>A row that could not be read or breaks a rule; reported as "line N (email): ...".</summary>
public sealed record RowProblem(int Line, string Message, string? Email = null)
{
    public override string ToString() => string.IsNullOrWhiteSpace(Email) ? $"line {Line}: {Message}" : $"line {Line} ({Email}): {Message}";
}

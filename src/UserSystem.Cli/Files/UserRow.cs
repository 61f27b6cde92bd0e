using UserSystem.Contracts;

namespace UserSystem.Cli.Files;

/// <summary>One user read from a file or typed in chat, with the line it came from.</summary>
public sealed record UserRow(int Line, string Name, string Email, int Age, IReadOnlyList<string> Hobbies)
{
    public CreateUserRequest ToRequest() => new() { Name = Name, Email = Email, Age = Age, Hobbies = { Hobbies } };
}

/// <summary>A row that could not be read or breaks a rule; reported as "line N: ...".</summary>
public sealed record RowProblem(int Line, string Message)
{
    public override string ToString() => $"line {Line}: {Message}";
}

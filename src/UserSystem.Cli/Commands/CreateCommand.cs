using System.CommandLine;
using UserSystem.Cli.Hosting;
using UserSystem.Cli.Output;
using UserSystem.Contracts;

namespace UserSystem.Cli.Commands;

/// <summary>`users create`: CreateUser.</summary>
internal static class CreateCommand
{
    public static Command Create(CommandRunner runner)
    {
        var name = new Option<string>("--name") { Description = "Full name (1-100 characters)", Required = true };
        var email = new Option<string>("--email") { Description = "Email address (unique)", Required = true };
        var age = new Option<int>("--age") { Description = "Age (0-150)" };
        var hobbies = new Option<string[]>("--hobby") { Description = "A hobby; repeat for several", AllowMultipleArgumentsPerToken = false };
        var requestId = new Option<string>("--request-id") { Description = "Idempotency key (e.g. a UUID): repeating the command with the same key returns the first user instead of creating another. Default: a new UUID for this run, which the client's own retries reuse" };
        var command = new Command("create", "Create a user.") { name, email, age, hobbies, requestId };
        runner.SetAction(command, async (parse, session, cancellationToken) =>
        {
            var request = new CreateUserRequest { Name = parse.GetValue(name)!, Email = parse.GetValue(email)!, Age = parse.GetValue(age), Hobbies = { parse.GetValue(hobbies) ?? [] }, RequestId = parse.GetValue(requestId) ?? string.Empty };
            var response = await session.Users.CreateUserAsync(request, session.Call(cancellationToken));
            // The user, as get, update and suspend print it (the same JSON shape); the message is for people.
            await ResultOutput.WriteAsync(session, response.User, [response.User]);
            await session.Host.Error.WriteLineAsync(TerminalText.Neutralize(response.Message));
            return ExitCodes.Success;
        });
        return command;
    }
}

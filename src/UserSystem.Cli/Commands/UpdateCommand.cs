using System.CommandLine;
using Google.Protobuf.WellKnownTypes;
using UserSystem.Cli.Hosting;
using UserSystem.Cli.Output;
using UserSystem.Contracts;

namespace UserSystem.Cli.Commands;

/// <summary>`users update ID`: UpdateUser, changing only the fields whose options are given.</summary>
internal static class UpdateCommand
{
    public static Command Create(CommandRunner runner)
    {
        var id = SharedSymbols.UserId();
        var name = new Option<string>("--name") { Description = "New full name (1-100 characters)" };
        var email = new Option<string>("--email") { Description = "New email address (unique)" };
        var age = new Option<int>("--age") { Description = "New age (0-150)" };
        var hobbies = new Option<string[]>("--hobby") { Description = "A hobby; repeat for several; replaces all hobbies", AllowMultipleArgumentsPerToken = false };
        var clearHobbies = new Option<bool>("--clear-hobbies") { Description = "Remove every hobby" };
        var etag = SharedSymbols.Etag("Change", "; without it the change is unconditional");
        var command = new Command("update", "Change some fields of a user; fields without an option stay as they are.") { id, name, email, age, hobbies, clearHobbies, etag };
        runner.SetAction(command, async (parse, session, cancellationToken) =>
        {
            // The mask lists exactly the options given, so "--age 0" sets 0 while a missing --age keeps the age.
            var user = new User { Id = parse.GetValue(id), Etag = parse.GetEtag(etag) };
            var mask = new FieldMask();
            if (parse.GetResult(name) is not null)
            {
                user.Name = parse.GetValue(name)!;
                mask.Paths.Add("name");
            }

            if (parse.GetResult(email) is not null)
            {
                user.Email = parse.GetValue(email)!;
                mask.Paths.Add("email");
            }

            if (parse.GetResult(age) is not null)
            {
                user.Age = parse.GetValue(age);
                mask.Paths.Add("age");
            }

            var newHobbies = parse.GetValue(hobbies) ?? [];
            if (newHobbies.Length > 0 && parse.GetValue(clearHobbies))
            {
                throw new UsageException("--hobby and --clear-hobbies cannot be used together.");
            }

            if (newHobbies.Length > 0 || parse.GetValue(clearHobbies))
            {
                user.Hobbies.Add(newHobbies);
                mask.Paths.Add("hobbies");
            }

            if (mask.Paths.Count == 0)
            {
                throw new UsageException("nothing to update: give at least one of --name, --email, --age, --hobby, --clear-hobbies.");
            }

            var updated = await session.Users.UpdateUserAsync(new UpdateUserRequest { User = user, UpdateMask = mask }, session.Call(cancellationToken));
            await ResultOutput.WriteAsync(session, updated, [updated], footer: "etag " + updated.Etag);
            return ExitCodes.Success;
        });
        return command;
    }
}

using Google.Protobuf.WellKnownTypes;
using UserSystem.Cli.Output;
using UserSystem.Contracts;

namespace UserSystem.UnitTests.Cli;

public sealed class EventOutputTests
{
    [Fact]
    public void Lines_KeepTheirColumns_WhenIdsAndActorsAndEmailsDifferInWidth()
    {
        var output = new EventOutput();
        var wide = output.Line(Event(123456789012345, "an-actor-with-a-very-long-subject", "someone-with-a-very-long-address@example.com"));
        var narrow = output.Line(Event(7, "ops", "a@example.com"));
        var wideAgain = output.Line(Event(123456789012346, "ops", "b@example.com"));

        // After the widest id has been seen, every column starts at the same place.
        Assert.Equal(narrow.IndexOf(" by ", StringComparison.Ordinal), wideAgain.IndexOf(" by ", StringComparison.Ordinal));
        Assert.Equal(narrow.IndexOf("ACTIVE", StringComparison.Ordinal), wideAgain.IndexOf("ACTIVE", StringComparison.Ordinal));
        Assert.Equal(wide.IndexOf("ACTIVE", StringComparison.Ordinal), wideAgain.IndexOf("ACTIVE", StringComparison.Ordinal));
        Assert.Contains("…", wide, StringComparison.Ordinal);
    }

    private static UserEvent Event(long id, string actor, string email) => new()
    {
        EventId = id,
        Kind = UserEventKind.Created,
        Actor = actor,
        EventTime = Timestamp.FromDateTime(new DateTime(2026, 12, 7, 15, 0, 0, DateTimeKind.Utc)),
        User = new User { Id = 42, Name = "Ada", Email = email, Age = 36, Status = UserStatus.Active },
    };
}

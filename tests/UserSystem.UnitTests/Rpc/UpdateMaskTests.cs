using Google.Protobuf.WellKnownTypes;
using UserSystem.Contracts;
using UserSystem.Server.Domain;
using UserSystem.Server.Rpc;

namespace UserSystem.UnitTests.Rpc;

public sealed class UpdateMaskTests
{
    private static UpdateUserRequest Request(User user, params string[] paths)
    {
        var request = new UpdateUserRequest { User = user, UpdateMask = new FieldMask() };
        request.UpdateMask.Paths.Add(paths);
        return request;
    }

    private static User Ada(int id = 7) => new() { Id = id, Name = " Ada ", Email = "ada@example.com", Age = 36, Hobbies = { "chess" } };

    private static string FieldOf(Action action) => Assert.Single(Assert.Throws<InvalidInputException>(action).Violations).Field;

    [Fact]
    public void OnlyTheMaskedFields_Change_AndAreNormalized()
    {
        var changes = UserUpdateRequests.ToValidChanges(Request(Ada(), "name"));

        Assert.Equal(new UserChanges(Name: "Ada"), changes);
    }

    [Fact]
    public void Star_ChangesAllFourFields()
    {
        var changes = UserUpdateRequests.ToValidChanges(Request(Ada(), "*"));

        Assert.Equal(("Ada", "ada@example.com", 36, "chess"), (changes.Name, changes.Email, changes.Age, changes.Hobbies![0]));
    }

    [Fact]
    public void InvalidFieldOutsideTheMask_IsIgnored()
    {
        var user = Ada();
        user.Email = "not an email";

        var changes = UserUpdateRequests.ToValidChanges(Request(user, "age"));

        Assert.Equal(36, changes.Age);
    }

    [Fact]
    public void InvalidFieldInTheMask_IsNamedUnderUser()
    {
        var user = Ada();
        user.Email = "not an email";

        Assert.Equal("user.email", FieldOf(() => UserUpdateRequests.ToValidChanges(Request(user, "email", "name"))));
    }

    [Fact]
    public void EmptyMask_IsRefused() => Assert.Equal("update_mask", FieldOf(() => UserUpdateRequests.ToValidChanges(Request(Ada()))));

    [Fact]
    public void UnknownPath_IsRefusedAndNamed()
    {
        var exception = Assert.Throws<InvalidInputException>(() => UserUpdateRequests.ToValidChanges(Request(Ada(), "name", "status")));

        Assert.Equal("update_mask", Assert.Single(exception.Violations).Field);
        Assert.Contains("status", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StarWithOtherPaths_IsRefused() => Assert.Equal("update_mask", FieldOf(() => UserUpdateRequests.ToValidChanges(Request(Ada(), "*", "name"))));

    [Fact]
    public void MissingUser_IsRefused() => Assert.Equal("user", FieldOf(() => UserUpdateRequests.ToValidChanges(new UpdateUserRequest())));

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void NonPositiveId_IsRefused(int id) => Assert.Equal("user.id", FieldOf(() => UserUpdateRequests.ToValidChanges(Request(Ada(id), "name"))));

    [Fact]
    public void Changes_ApplyOnlyTheirFields()
    {
        var user = new UserAccount(1, "Ada", "ada@example.com", 36, ["chess"], AccountStatus.Active, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);

        var changed = new UserChanges(Age: 37).ApplyTo(user);

        Assert.Equal(user with { Age = 37 }, changed);
    }
}

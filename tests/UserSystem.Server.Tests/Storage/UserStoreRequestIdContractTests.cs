using UserSystem.Server.Domain;

namespace UserSystem.Server.Tests.Storage;

/// <summary>CreateUser's request id, as every engine keeps it: a retry answers the first create's user, any other reuse is refused.</summary>
public abstract partial class UserStoreContractTests
{
    private static readonly ChangeContext ByAda = new("ada", "req-ada");

    [Fact]
    public async Task CreateWithRequestId_Repeated_AnswersTheFirstUser_AndStoresOne()
    {
        var user = NewUser("Once");

        var first = await Store.CreateAsync(user, ByAda, "key-1", None);
        var retry = await Store.CreateAsync(user, ByAda, "key-1", None);

        Assert.Equal(first.Id, retry.Id);
        Assert.Single(await Store.ListAfterAsync(0, 10, None));
    }

    [Fact]
    public async Task CreateWithRequestId_RepeatedAfterAnUpdate_AnswersTheUserAsItIsNow()
    {
        var user = NewUser("Before");
        var first = await Store.CreateAsync(user, ByAda, "key-1", None);
        await Store.UpdateAsync(first.Id, new UserChanges(Name: "After"), null, ByAda, None);

        var retry = await Store.CreateAsync(user, ByAda, "key-1", None);

        Assert.Equal((first.Id, "After"), (retry.Id, retry.Name));
    }

    [Fact]
    public async Task CreateWithRequestId_ReusedForAnotherUser_IsInvalidInputNamingRequestId_AndStoresNothing()
    {
        await Store.CreateAsync(NewUser("Once"), ByAda, "key-1", None);

        var refused = await Assert.ThrowsAsync<InvalidInputException>(() => Store.CreateAsync(NewUser("Someone else"), ByAda, "key-1", None));

        Assert.Equal(["request_id"], refused.Violations.Select(violation => violation.Field));
        Assert.Single(await Store.ListAfterAsync(0, 10, None));
    }

    [Fact]
    public async Task CreateWithRequestId_ReusedByAnotherActor_IsInvalidInput()
    {
        var user = NewUser("Once");
        await Store.CreateAsync(user, ByAda, "key-1", None);

        await Assert.ThrowsAsync<InvalidInputException>(() => Store.CreateAsync(user, new ChangeContext("bob", "req-bob"), "key-1", None));
    }

    [Fact]
    public async Task CreateWithNewRequestId_EmailTaken_IsDuplicateEmail()
    {
        var taken = await Store.CreateAsync(NewUser("First"), ByAda, "key-1", None);

        await Assert.ThrowsAsync<DuplicateEmailException>(() => Store.CreateAsync(NewUser("Second", taken.Email), ByAda, "key-2", None));
    }
}

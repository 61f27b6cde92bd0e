using Grpc.Core;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Rpc;

public sealed class CreateUserTests : ServerTestBase
{

    [Fact]
    public async Task ValidUser_IsStoredActive_AndReturnedWithTheSeedMessage()
    {
        var request = Users.NewRequest(name: "  Ada Lovelace  ", age: 36, hobbies: ["math", "poetry"]);

        var response = await Client.CreateUserAsync(request).ResponseAsync.DefaultTimeout();

        Assert.Equal("user created successfully", response.Message);
        Assert.True(response.User.Id > 0);
        Assert.Equal("Ada Lovelace", response.User.Name);
        Assert.Equal(request.Email, response.User.Email);
        Assert.Equal(36, response.User.Age);
        Assert.Equal(["math", "poetry"], response.User.Hobbies);
        Assert.Equal(UserStatus.Active, response.User.Status);
        Assert.NotNull(response.User.CreateTime);
        Assert.Equal(response.User.CreateTime, response.User.UpdateTime);
        Assert.Equal(1, response.CreatedCount);
        Assert.Equal(new IdRange { First = response.User.Id, Last = response.User.Id }, Assert.Single(response.CreatedIds));
        Assert.Equal(response.User, await Client.GetUserAsync(new GetUserRequest { Id = response.User.Id }).ResponseAsync.DefaultTimeout());
    }

    [Fact]
    public async Task LimitValues_AreAccepted()
    {
        var hobbies = Enumerable.Range(0, 20).Select(i => new string((char)('a' + i), 50)).ToArray();
        var email = $"{new string('l', 64)}@{new string('d', 63)}.{new string('e', 63)}.{new string('f', 57)}.com";
        Assert.Equal(254, email.Length);

        var oldest = await Client.CreateUserAsync(Users.NewRequest(name: new string('n', 100), age: 150, hobbies: hobbies)).ResponseAsync.DefaultTimeout();
        var youngest = await Client.CreateUserAsync(Users.NewRequest(name: "N", email: email, age: 0)).ResponseAsync.DefaultTimeout();

        Assert.Equal(20, oldest.User.Hobbies.Count);
        Assert.Equal(email, youngest.User.Email);
    }

    [Theory]
    [InlineData("", "x@example.com", 30, "name")]
    [InlineData("   ", "x@example.com", 30, "name")]
    [InlineData("Bell\u0007", "x@example.com", 30, "name")]
    [InlineData("TooLong", "x@example.com", 30, "name", 101)]
    [InlineData("Ada", "", 30, "email")]
    [InlineData("Ada", "not-an-email", 30, "email")]
    [InlineData("Ada", "two@@example.com", 30, "email")]
    [InlineData("Ada", "ada@localhost", 30, "email")]
    [InlineData("Ada", "TooLong", 30, "email", 255)]
    [InlineData("Ada", "x@example.com", -1, "age")]
    [InlineData("Ada", "x@example.com", 151, "age")]
    public async Task InvalidField_IsInvalidArgument_NamingTheField(string name, string email, int age, string field, int length = 0)
    {
        if (length > 0 && field == "name")
        {
            name = new string('n', length);
        }
        else if (length > 0)
        {
            email = new string('e', length - "@example.com".Length) + "@example.com";
        }

        var exception = await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument,
            () => Client.CreateUserAsync(new CreateUserRequest { Name = name, Email = email, Age = age }).ResponseAsync);

        Assert.Equal([field], RpcAssert.ViolatedFields(exception));
        Assert.Contains(field, exception.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TooManyHobbies_IsInvalidArgument_OnHobbies()
    {
        var request = Users.NewRequest(hobbies: Enumerable.Range(0, 21).Select(i => $"hobby {i}").ToArray());

        var exception = await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument, () => Client.CreateUserAsync(request).ResponseAsync);

        Assert.Equal(["hobbies"], RpcAssert.ViolatedFields(exception));
    }

    [Fact]
    public async Task EmptyAndOverlongHobbies_AreInvalidArgument_NamingEachIndex()
    {
        var request = Users.NewRequest(hobbies: ["fine", "", new string('h', 51)]);

        var exception = await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument, () => Client.CreateUserAsync(request).ResponseAsync);

        Assert.Equal(["hobbies[1]", "hobbies[2]"], RpcAssert.ViolatedFields(exception));
    }

    [Fact]
    public async Task SeveralBadFields_AreAllReported_AndNothingIsStored()
    {
        var exception = await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument,
            () => Client.CreateUserAsync(new CreateUserRequest { Name = "", Email = "nope", Age = 200 }).ResponseAsync);

        Assert.Equal(["name", "email", "age"], RpcAssert.ViolatedFields(exception));
        Assert.Equal(0, await CountUsersAsync());
    }

    [Fact]
    public async Task EmailTakenInAnotherCase_IsAlreadyExists()
    {
        await Client.CreateUserAsync(Users.NewRequest(email: "grace@example.com")).ResponseAsync.DefaultTimeout();

        var exception = await RpcAssert.FailsWithAsync(StatusCode.AlreadyExists,
            () => Client.CreateUserAsync(Users.NewRequest(email: "GRACE@Example.com")).ResponseAsync);

        Assert.Contains("email already exists", exception.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(1, await CountUsersAsync());
    }
}

using Grpc.Core;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Security;

/// <summary>Names and hobbies refuse Unicode control (Cc) and format (Cf) characters, naming the field.</summary>
public sealed class OutputInjectionTests : ServerTestBase
{
    public static TheoryData<string> ControlOrFormat => new()
    {
        "Eve\u0000", // NUL
        "Eve\u001b[31m", // ESC: a terminal colour sequence
        "Eve\u202Egnp.exe", // RIGHT-TO-LEFT OVERRIDE
        "E\u200Bve", // ZERO WIDTH SPACE
        "Eve\u2066", // LEFT-TO-RIGHT ISOLATE
        "\uFEFFEve", // BYTE ORDER MARK (zero-width no-break space)
    };

    [Theory]
    [MemberData(nameof(ControlOrFormat))]
    public async Task CreateUser_NameWithControlOrFormatCharacter_IsInvalidArgumentNamingName(string name)
    {
        var failure = await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument, () => Client.CreateUserAsync(Users.NewRequest(name)).ResponseAsync);

        Assert.Equal(["name"], RpcAssert.ViolatedFields(failure));
        Assert.Equal(0, await CountUsersAsync());
    }

    [Theory]
    [MemberData(nameof(ControlOrFormat))]
    public async Task CreateUser_HobbyWithControlOrFormatCharacter_IsInvalidArgumentNamingTheHobby(string hobby)
    {
        var failure = await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument, () => Client.CreateUserAsync(Users.NewRequest("Eve", hobbies: ["chess", hobby])).ResponseAsync);

        Assert.Equal(["hobbies[1]"], RpcAssert.ViolatedFields(failure));
    }

    [Fact]
    public async Task UpdateUser_HobbyWithEscape_IsInvalidArgumentNamingTheHobby()
    {
        var user = (await Client.CreateUserAsync(Users.NewRequest("Eve")).ResponseAsync.DefaultTimeout()).User;
        user.Hobbies.Add("\u001b]0;owned\u0007");

        var failure = await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument, () => Client.UpdateUserAsync(new UpdateUserRequest
        {
            User = user,
            UpdateMask = new Google.Protobuf.WellKnownTypes.FieldMask { Paths = { "hobbies" } },
        }).ResponseAsync);

        Assert.Equal(["user.hobbies[0]"], RpcAssert.ViolatedFields(failure));
    }

    [Fact]
    public async Task CreateUser_NameInAnyScript_IsAccepted()
    {
        var response = await Client.CreateUserAsync(Users.NewRequest("Zoë Ångström 山田 محمد", hobbies: ["café au lait"])).ResponseAsync.DefaultTimeout();

        Assert.Equal("Zoë Ångström 山田 محمد", response.User.Name);
    }
}

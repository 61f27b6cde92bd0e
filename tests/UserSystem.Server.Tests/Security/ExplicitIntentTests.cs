using System.Net;
using System.Net.Http.Json;
using Grpc.Core;
using UserSystem.Contracts;
using UserSystem.Server.Tests.Web;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Security;

/// <summary>SetUserStatus without a status is INVALID_ARGUMENT naming it, never a silent INACTIVE (the enum's zero).</summary>
public sealed class ExplicitIntentTests : RestTestBase
{
    [Fact]
    public async Task SetUserStatus_WithoutAStatus_IsInvalidArgumentNamingStatus_AndTheUserStaysActive()
    {
        var user = (await Client.CreateUserAsync(Users.NewRequest("Intent")).ResponseAsync.DefaultTimeout()).User;

        var failure = await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument, () => Client.SetUserStatusAsync(new SetUserStatusRequest { Id = user.Id }).ResponseAsync);

        Assert.Equal(["status"], RpcAssert.ViolatedFields(failure));
        Assert.Equal(UserStatus.Active, (await Client.GetUserAsync(new GetUserRequest { Id = user.Id }).ResponseAsync.DefaultTimeout()).Status);
    }

    [Fact]
    public async Task SetUserStatus_ExplicitInactive_IsApplied()
    {
        var user = (await Client.CreateUserAsync(Users.NewRequest("Intent")).ResponseAsync.DefaultTimeout()).User;

        var changed = await Client.SetUserStatusAsync(new SetUserStatusRequest { Id = user.Id, Status = UserStatus.Inactive }).ResponseAsync.DefaultTimeout();

        Assert.Equal(UserStatus.Inactive, changed.Status);
    }

    [Fact]
    public async Task RestSetStatus_WithAnEmptyBody_Returns400NamingStatus()
    {
        var user = (await Client.CreateUserAsync(Users.NewRequest("Intent")).ResponseAsync.DefaultTimeout()).User;

        using var response = await Http.PostAsJsonAsync($"/v1/users/{user.Id}:setStatus", new { }).DefaultTimeout();

        var error = await JsonAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(["status"], ViolatedFields(error));
    }
}

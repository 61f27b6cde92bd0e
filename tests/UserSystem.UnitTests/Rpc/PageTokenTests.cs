using UserSystem.Contracts;
using UserSystem.Server.Domain;
using UserSystem.Server.Rpc;

namespace UserSystem.UnitTests.Rpc;

public sealed class PageTokenTests
{
    private static readonly UserFilter Active = new(AccountStatus.Active);

    [Fact]
    public void EmptyToken_StartsAtTheBeginning() => Assert.Equal(0, UserListRequests.AfterId("", UserFilter.None));

    [Theory]
    [InlineData(1)]
    [InlineData(42)]
    [InlineData(int.MaxValue)]
    public void NextPageToken_RoundTripsTheLastId(int lastId) =>
        Assert.Equal(lastId, UserListRequests.AfterId(UserListRequests.NextPageToken(lastId, Active), Active));

    [Fact]
    public void Token_IsOpaque_AndUrlSafe()
    {
        var token = UserListRequests.NextPageToken(17, Active);

        Assert.DoesNotContain("17", token, StringComparison.Ordinal);
        Assert.True(token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'), token);
    }

    [Fact]
    public void TokenUsedWithAnotherFilter_IsRefusedNamingPageToken()
    {
        var token = UserListRequests.NextPageToken(17, Active);

        var exception = Assert.Throws<InvalidInputException>(() => UserListRequests.AfterId(token, new UserFilter(AccountStatus.Suspended)));

        Assert.Equal("page_token", Assert.Single(exception.Violations).Field);
    }

    [Theory]
    [InlineData("not a token!")]
    [InlineData("MTc")]
    [InlineData("MXwxN3xBQkNE")]
    public void MadeUpToken_IsRefusedNamingPageToken(string token)
    {
        var exception = Assert.Throws<InvalidInputException>(() => UserListRequests.AfterId(token, UserFilter.None));

        Assert.Equal("page_token", Assert.Single(exception.Violations).Field);
    }

    [Fact]
    public void EmailPrefixFilter_IgnoresCase_InTheFingerprint()
    {
        var token = UserListRequests.NextPageToken(5, new UserFilter(EmailPrefix: "ADA@"));

        Assert.Equal(5, UserListRequests.AfterId(token, new UserFilter(EmailPrefix: "ada@")));
    }

    [Theory]
    [InlineData(false, 0, "", "", "")]
    [InlineData(true, 5, "", "", "")]
    [InlineData(true, 0, "token", "", "")]
    [InlineData(true, 0, "", "ada", "")]
    [InlineData(true, 0, "", "", "Ada")]
    public void UsesTokenPaging_WhenAnyAdditionIsSet(bool expected, int pageSize, string pageToken, string emailPrefix, string namePrefix)
    {
        var request = new ListUsersRequest { PageSize = pageSize, PageToken = pageToken, EmailPrefix = emailPrefix, NamePrefix = namePrefix, Limit = 10, Page = 2 };

        Assert.Equal(expected, request.UsesTokenPaging());
    }

    [Fact]
    public void StatusFilter_AloneSwitchesToTokenPaging() =>
        Assert.True(new ListUsersRequest { StatusFilter = UserStatus.Suspended }.UsesTokenPaging());

    [Theory]
    [InlineData(-1, null, "page_size")]
    [InlineData(0, 99, "status_filter")]
    public void BadListRequest_NamesTheField(int pageSize, int? status, string field)
    {
        var request = new ListUsersRequest { PageSize = pageSize };
        if (status is { } value)
        {
            request.StatusFilter = (UserStatus)value;
        }

        var exception = Assert.Throws<InvalidInputException>(() => UserListRequests.ToValidFilter(request));

        Assert.Equal(field, Assert.Single(exception.Violations).Field);
    }

    [Fact]
    public void Filter_KeepsOnlyTheSetParts()
    {
        var filter = UserListRequests.ToValidFilter(new ListUsersRequest { NamePrefix = "Ada" });

        Assert.Equal(new UserFilter(null, null, "Ada"), filter);
    }
}

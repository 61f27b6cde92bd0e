using UserSystem.Server.Rpc;

namespace UserSystem.UnitTests.Rpc;

public sealed class FieldNamesTests
{
    [Theory]
    [InlineData("update_mask", "updateMask")]
    [InlineData("user.hobbies[1]", "user.hobbies[1]")]
    [InlineData("since_event_id", "sinceEventId")]
    [InlineData("email", "email")]
    public void ToJsonPath_LowerCamelCasesEachSegment(string proto, string json) => Assert.Equal(json, FieldNames.ToJsonPath(proto));

    [Theory]
    [InlineData("user.hobbies[1]", "INVALID_HOBBIES")]
    [InlineData("update_mask", "INVALID_UPDATE_MASK")]
    [InlineData("updateMask", "INVALID_UPDATE_MASK")]
    [InlineData("id", "INVALID_ID")]
    public void ReasonFor_IsTheFieldsOwnNameInUpperSnakeCase(string field, string reason) => Assert.Equal(reason, FieldNames.ReasonFor(field));

    [Fact]
    public void ToJsonNames_RewritesSnakeCaseNamesOnly() =>
        Assert.Equal("pageToken is not valid: pass the nextPageToken of a previous response", FieldNames.ToJsonNames("page_token is not valid: pass the next_page_token of a previous response"));
}

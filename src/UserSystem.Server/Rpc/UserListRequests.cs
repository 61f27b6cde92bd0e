using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Contract = UserSystem.Contracts;
using UserSystem.Server.Domain;
using UserSystem.Validation;

namespace UserSystem.Server.Rpc;

/// <summary>Token paging for <c>ListUsers</c> (AIP-158): the filter and the opaque page tokens.</summary>
public static class UserListRequests
{
    private const string TokenVersion = "1";

    /// <summary>True when the request uses the additions (token paging or a filter) rather than the seed's page/limit.</summary>
    public static bool UsesTokenPaging(this Contract.ListUsersRequest request) =>
        request.PageSize > 0 || request.PageToken.Length > 0 || request.HasStatusFilter || request.EmailPrefix.Length > 0 || request.NamePrefix.Length > 0;

    public static UserFilter ToValidFilter(Contract.ListUsersRequest request)
    {
        if (request.PageSize < 0)
        {
            throw InvalidInputException.ForField("page_size", "must be zero or greater");
        }

        if (request.HasStatusFilter && !Enum.IsDefined((AccountStatus)request.StatusFilter))
        {
            throw InvalidInputException.ForField("status_filter", "is not a known status");
        }

        if (request.EmailPrefix.Length > UserLimits.MaxEmailLength)
        {
            throw InvalidInputException.ForField("email_prefix", $"must be at most {UserLimits.MaxEmailLength} characters");
        }

        if (request.NamePrefix.EnumerateRunes().Count() > UserLimits.MaxNameLength)
        {
            throw InvalidInputException.ForField("name_prefix", $"must be at most {UserLimits.MaxNameLength} characters");
        }

        return new UserFilter(
            request.HasStatusFilter ? (AccountStatus)request.StatusFilter : null,
            request.EmailPrefix.Length > 0 ? request.EmailPrefix : null,
            request.NamePrefix.Length > 0 ? request.NamePrefix : null);
    }

    /// <summary>The id after which the requested page starts (0 for the first page).</summary>
    public static int AfterId(string pageToken, UserFilter filter)
    {
        if (pageToken.Length == 0)
        {
            return 0;
        }

        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(pageToken)).Split('|');
            if (parts is [TokenVersion, var after, var fingerprint]
                && int.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out var afterId)
                && fingerprint == Fingerprint(filter))
            {
                return afterId;
            }
        }
        catch (FormatException)
        {
            // Not base64url: fall through to the same answer as any other bad token.
        }

        throw InvalidInputException.ForField("page_token", "is not valid: pass the next_page_token of a previous response, with the same filter");
    }

    public static string NextPageToken(int lastId, UserFilter filter) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Join('|', TokenVersion, lastId.ToString(CultureInfo.InvariantCulture), Fingerprint(filter))));

    // Binds a token to its filter, so a token is never silently reused with another one (AIP-158).
    private static string Fingerprint(UserFilter filter) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{(int?)filter.Status}\n{filter.EmailKeyPrefix}\n{filter.NamePrefix}")), 0, 8);
}

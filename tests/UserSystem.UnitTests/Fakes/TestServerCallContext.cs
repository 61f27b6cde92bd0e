using System.Security.Claims;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using UserSystem.Server.Security;

namespace UserSystem.UnitTests.Fakes;

/// <summary>
/// A <see cref="ServerCallContext"/> for calling a service method directly, as grpc-dotnet's
/// testing guidance and eShop's Basket.UnitTests do. The caller is an <see cref="HttpContext"/>
/// user, found where grpc-dotnet's <c>GetHttpContext()</c> looks for one outside a real call.
/// </summary>
internal sealed class TestServerCallContext : ServerCallContext
{
    private readonly Metadata _requestHeaders = [];
    private readonly Metadata _responseTrailers = [];
    private readonly Dictionary<object, object> _userState = [];
    private readonly CancellationToken _cancellationToken;

    private TestServerCallContext(ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        _cancellationToken = cancellationToken;
        _userState["__HttpContext"] = new DefaultHttpContext { User = caller };
    }

    public Metadata? ResponseHeaders { get; private set; }

    /// <summary>An admin with a subject, as a JWT with the admin role describes one.</summary>
    public static TestServerCallContext Admin(CancellationToken cancellationToken = default) =>
        new(Principal(new Claim(CallerClaims.Subject, "admin-1"), new Claim(CallerClaims.Role, CallerClaims.AdminRole)), cancellationToken);

    /// <summary>A caller bound to the user with <paramref name="userId"/>, without the admin role.</summary>
    public static TestServerCallContext User(int userId, CancellationToken cancellationToken = default) =>
        new(Principal(new Claim(CallerClaims.Subject, $"user-{userId}"), new Claim(CallerClaims.UserId, userId.ToString(System.Globalization.CultureInfo.InvariantCulture))), cancellationToken);

    protected override string MethodCore => "user.UserService/Test";

    protected override string HostCore => "localhost";

    protected override string PeerCore => "ipv4:127.0.0.1:5000";

    protected override DateTime DeadlineCore => DateTime.MaxValue;

    protected override Metadata RequestHeadersCore => _requestHeaders;

    protected override CancellationToken CancellationTokenCore => _cancellationToken;

    protected override Metadata ResponseTrailersCore => _responseTrailers;

    protected override Status StatusCore { get; set; }

    protected override WriteOptions? WriteOptionsCore { get; set; }

    protected override AuthContext AuthContextCore => new(null, []);

    protected override IDictionary<object, object> UserStateCore => _userState;

    protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) => throw new NotSupportedException();

    protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders)
    {
        ResponseHeaders = responseHeaders;
        return Task.CompletedTask;
    }

    private static ClaimsPrincipal Principal(params Claim[] claims) =>
        new(new ClaimsIdentity(claims, authenticationType: "Test", nameType: CallerClaims.Subject, roleType: CallerClaims.Role));
}

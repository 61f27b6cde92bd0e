using System.Security.Cryptography;
using Grpc.Core;
using Grpc.Net.Client;
using UserSystem.Contracts;
using UserSystem.Server.Security;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Security;

/// <summary>A fresh HS256 key per server, tokens minted with it, and clients that send them.</summary>
public sealed class Tokens
{
    public string SigningKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>The settings that switch a test server to JWT authentication with this key.</summary>
    public string[] ServerSettings => ["Auth:Mode=Jwt", $"Auth:Jwt:SigningKey={SigningKey}"];

    /// <summary>A token for <paramref name="subject"/>; an <paramref name="email"/> is marked verified unless told otherwise.</summary>
    public string Mint(string subject, int? userId = null, string? email = null, TimeSpan? lifetime = null, params string[] roles) =>
        Mint(subject, userId, email, emailVerified: true, lifetime, roles);

    public string Mint(string subject, int? userId, string? email, bool emailVerified, TimeSpan? lifetime = null, params string[] roles) =>
        DevTokenMinter.Mint(new JwtAuthOptions { SigningKey = SigningKey }, new DevTokenRequest(subject, userId, email, roles, lifetime ?? TimeSpan.FromMinutes(5), emailVerified));

    public string Admin(string subject = "admin") => Mint(subject, roles: CallerClaims.AdminRole);

    /// <summary>A channel that sends <paramref name="token"/> as a bearer token on every call (or nothing when null).</summary>
    public static GrpcChannel Channel(TestServer server, string? token) =>
        token is null ? server.CreateChannel() : server.CreateChannel(WithToken(token));

    /// <summary>Channel options that send <paramref name="token"/> as a bearer token on every call.</summary>
    public static GrpcChannelOptions WithToken(string token)
    {
        var credentials = CallCredentials.FromInterceptor((_, metadata) =>
        {
            metadata.Add("authorization", $"Bearer {token}");
            return Task.CompletedTask;
        });
        return new GrpcChannelOptions
        {
            Credentials = ChannelCredentials.Create(ChannelCredentials.Insecure, credentials),
            // Loopback h2c in tests; a real deployment sends tokens over TLS.
            UnsafeUseInsecureChannelCallCredentials = true,
        };
    }

    public static UserService.UserServiceClient Client(TestServer server, string? token) => new(Channel(server, token));
}

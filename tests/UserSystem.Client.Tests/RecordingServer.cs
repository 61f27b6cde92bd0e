using System.Collections.Concurrent;
using System.Net;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using UserSystem.Contracts;

namespace UserSystem.Client.Tests;

/// <summary>
/// A gRPC server on a real loopback port that records what each call carried (headers, deadline)
/// and can be told to answer the first calls with a chosen status: what the real server cannot be
/// made to do on purpose, such as failing with UNAVAILABLE twice and then succeeding.
/// </summary>
public sealed class RecordingServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RecordingServer(WebApplication app, CallRecorder recorder)
    {
        _app = app;
        Recorder = recorder;
    }

    public CallRecorder Recorder { get; }

    public Uri Address { get; private set; } = null!;

    /// <summary>Starts the server: h2c, or TLS with <paramref name="tls"/>'s server certificate (requiring a client certificate from its CA when <paramref name="requireClientCertificate"/>).</summary>
    public static async Task<RecordingServer> StartAsync(TestCertificates? tls = null, bool requireClientCertificate = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            if (tls is not null)
            {
                listen.UseHttps(https =>
                {
                    https.ServerCertificate = tls.Server;
                    if (requireClientCertificate)
                    {
                        https.ClientCertificateMode = Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.RequireCertificate;
                        https.ClientCertificateValidation = (certificate, _, _) => IsIssuedBy(certificate, tls.Authority);
                    }
                });
            }
        }));
        var recorder = new CallRecorder();
        builder.Services.AddSingleton(recorder);
        builder.Services.AddGrpc();
        var app = builder.Build();
        app.MapGrpcService<RecordingUserService>();
        await app.StartAsync();
        var server = new RecordingServer(app, recorder)
        {
            Address = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single()),
        };
        return server;
    }

    private static bool IsIssuedBy(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, System.Security.Cryptography.X509Certificates.X509Certificate2 authority)
    {
        using var chain = new System.Security.Cryptography.X509Certificates.X509Chain();
        chain.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>What the server saw, and the failures it still has to give.</summary>
    public sealed class CallRecorder
    {
        public ConcurrentQueue<(string Method, string? Authorization, DateTime Deadline)> Calls { get; } = new();

        public ConcurrentQueue<string> ClientCertificateSubjects { get; } = new();

        public ConcurrentQueue<StatusCode> Failures { get; } = new();
    }

    private sealed class RecordingUserService(CallRecorder recorder) : UserService.UserServiceBase
    {
        public override Task<User> GetUser(GetUserRequest request, ServerCallContext context)
        {
            Record(context);
            return Task.FromResult(new User { Id = request.Id, Name = "Recorded" });
        }

        public override async Task StreamUsers(StreamUsersRequest request, IServerStreamWriter<User> responseStream, ServerCallContext context)
        {
            Record(context);
            await responseStream.WriteAsync(new User { Id = 1, Name = "Recorded" });
        }

        private void Record(ServerCallContext context)
        {
            recorder.Calls.Enqueue((context.Method, context.RequestHeaders.GetValue("authorization"), context.Deadline));
            if (context.GetHttpContext().Connection.ClientCertificate is { } certificate)
            {
                recorder.ClientCertificateSubjects.Enqueue(certificate.Subject);
            }

            if (recorder.Failures.TryDequeue(out var failure))
            {
                throw new RpcException(new Status(failure, "recorded failure"));
            }
        }
    }
}

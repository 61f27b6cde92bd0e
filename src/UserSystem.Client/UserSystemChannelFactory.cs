using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Balancer;
using Grpc.Net.Client.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace UserSystem.Client;

/// <summary>
/// Builds the one <see cref="GrpcChannel"/> the client uses. grpc-dotnet already pools: a
/// channel opens more HTTP/2 connections when one reaches the server's concurrent-stream limit
/// (<see cref="SocketsHttpHandler.EnableMultipleHttp2Connections"/>), and with several addresses
/// it keeps a subchannel per address and balances round-robin. So there is no hand-made pool.
/// </summary>
public static class UserSystemChannelFactory
{
    /// <summary>The logical host name of a balanced channel; the static resolver maps it to the addresses.</summary>
    public const string BalancedTarget = "static:///user-system";

    public static GrpcChannel Create(UserSystemClientOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var validation = new UserSystemClientOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new ArgumentException(validation.FailureMessage, nameof(options));
        }

        var addresses = options.EffectiveAddresses;
        var secure = addresses[0].Scheme == Uri.UriSchemeHttps;
        var channelOptions = new GrpcChannelOptions
        {
            HttpHandler = CreateHandler(options),
            // The channel owns the handler it was given: disposing the channel closes its connections.
            DisposeHttpClient = true,
            LoggerFactory = loggerFactory ?? NullLoggerFactory.Instance,
            InitialReconnectBackoff = TimeSpan.FromMilliseconds(Math.Min(1000, options.MaxReconnectBackoff.TotalMilliseconds)),
            MaxReconnectBackoff = options.MaxReconnectBackoff,
            ServiceConfig = CreateServiceConfig(options, balanced: addresses.Count > 1),
            Credentials = CreateCredentials(options, secure),
            // A token on a plaintext channel is the caller's explicit choice (h2c on loopback in
            // development); grpc-dotnet would otherwise drop call credentials silently without TLS.
            UnsafeUseInsecureChannelCallCredentials = options.TokenProvider is not null && !secure,
        };

        if (addresses.Count == 1)
        {
            return GrpcChannel.ForAddress(addresses[0], channelOptions);
        }

        var balancerAddresses = addresses.Select(address => new BalancerAddress(address.Host, address.Port)).ToArray();
        var services = new ServiceCollection();
        services.AddSingleton<ResolverFactory>(new StaticResolverFactory(_ => balancerAddresses));
        channelOptions.ServiceProvider = services.BuildServiceProvider();
        return GrpcChannel.ForAddress(BalancedTarget, channelOptions);
    }

    /// <summary>Retries only UNAVAILABLE (the call never reached a working server), a bounded number of times.</summary>
    public static ServiceConfig CreateServiceConfig(UserSystemClientOptions options, bool balanced)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = new ServiceConfig();
        if (balanced)
        {
            config.LoadBalancingConfigs.Add(new RoundRobinConfig());
        }

        if (options.MaxAttempts > 1)
        {
            config.MethodConfigs.Add(new MethodConfig
            {
                Names = { MethodName.Default },
                RetryPolicy = new RetryPolicy
                {
                    MaxAttempts = options.MaxAttempts,
                    InitialBackoff = options.InitialBackoff,
                    MaxBackoff = options.MaxBackoff,
                    BackoffMultiplier = 2,
                    RetryableStatusCodes = { StatusCode.Unavailable },
                },
            });
        }

        return config;
    }

    private static SocketsHttpHandler CreateHandler(UserSystemClientOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            KeepAlivePingDelay = TimeSpan.FromSeconds(60),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
        };

        if (options.CaCertificatePath is not null)
        {
            // The CA file holds a certificate only (CreateFromPemFile would look for a private key in it).
            var authority = X509Certificate2.CreateFromPem(File.ReadAllText(options.CaCertificatePath));
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                ServerCertificateValidator.IsTrusted(certificate, errors, authority);
        }

        if (options.ClientCertificatePath is not null && options.ClientKeyPath is not null)
        {
            handler.SslOptions.ClientCertificates = [LoadClientCertificate(options.ClientCertificatePath, options.ClientKeyPath)];
        }

        return handler;
    }

    private static X509Certificate2 LoadClientCertificate(string certificatePath, string keyPath)
    {
        // SslStream on Linux needs the key in a PKCS#12 form to present it; a PEM-loaded key is ephemeral.
        using var pem = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), password: null);
    }

    private static ChannelCredentials CreateCredentials(UserSystemClientOptions options, bool secure)
    {
        var transport = secure ? ChannelCredentials.SecureSsl : ChannelCredentials.Insecure;
        if (options.TokenProvider is not { } tokenProvider)
        {
            return transport;
        }

        var bearer = CallCredentials.FromInterceptor(async (context, metadata) =>
        {
            var token = await tokenProvider(context.CancellationToken);
            if (!string.IsNullOrEmpty(token))
            {
                metadata.Add("authorization", "Bearer " + token);
            }
        });
        return ChannelCredentials.Create(transport, bearer);
    }
}

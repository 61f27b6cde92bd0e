using System.Collections.Concurrent;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using UserSystem.Server.Hosting;
using UserSystem.Server.Rpc.Interceptors;
using UserSystem.Server.Security;

namespace UserSystem.Server.Tests.Hosting;

/// <summary>
/// Test-owned probes for <see cref="CallPipelineOrderTests"/>: each request (keyed by its
/// x-request-id) gets a trace of the layers it reached, in the order it reached them.
/// </summary>
internal sealed class LayerProbes
{
    /// <summary>The names a trace holds (the interceptors' are their class names).</summary>
    public static class Layer
    {
        public const string RequestContext = "request-context";
        public const string Cors = "cors";
        public const string Authentication = "authentication";
        public const string Authorization = "authorization";
        public const string CallerLimits = "caller-limits";
        public const string Service = "service";
    }

    private readonly ConcurrentDictionary<string, LayerTrace> _traces = new(StringComparer.Ordinal);

    /// <summary>The server's limiters, set once it is built (their bucket count shows the limits ran).</summary>
    public CallerRateLimiters? Limiters { get; set; }

    public IReadOnlyList<string> Of(string requestId) => _traces.TryGetValue(requestId, out var trace) ? trace.Layers : [];

    public void Install(IServiceCollection services)
    {
        services.AddSingleton<IStartupFilter>(new TraceStartupFilter(this));
        services.AddTransient<ICorsPolicyProvider>(provider =>
            new ProbingCorsPolicyProvider(ActivatorUtilities.CreateInstance<DefaultCorsPolicyProvider>(provider)));
        services.AddSingleton<IAuthorizationHandler, ProbingAuthorizationHandler>();
        services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, bearer =>
        {
            bearer.Events ??= new JwtBearerEvents();
            var previous = bearer.Events.OnMessageReceived;
            bearer.Events.OnMessageReceived = context =>
            {
                Reach(context.HttpContext, Layer.Authentication);
                return previous(context);
            };
        });
        // A probe ahead of each of the server's interceptors, named after it, and one behind the
        // last: a probe is reached only if every interceptor before it passed the call on.
        services.PostConfigure<GrpcServiceOptions>(grpc =>
        {
            var registered = grpc.Interceptors.ToList();
            grpc.Interceptors.Clear();
            foreach (var interceptor in registered)
            {
                grpc.Interceptors.Add<ProbeInterceptor>(interceptor.Type.Name);
                grpc.Interceptors.Add(interceptor.Type, [.. interceptor.Arguments]);
            }

            grpc.Interceptors.Add<ProbeInterceptor>(Layer.Service);
        });
    }

    public static void Reach(HttpContext? context, string layer)
    {
        if (context?.Items[typeof(LayerTrace)] is LayerTrace trace)
        {
            trace.Reach(context, layer);
        }
    }

    private LayerTrace Start(HttpContext context)
    {
        var trace = new LayerTrace(Limiters);
        context.Items[typeof(LayerTrace)] = trace;
        if (context.Request.Headers["x-request-id"] is [{ } id])
        {
            _traces[id] = trace;
        }

        return trace;
    }

    /// <summary>
    /// The layers reached so far. The request context and the caller limits have no seam a test can
    /// enter, so each probe first notes whether they have run since the last one: the request
    /// context's feature is on the request, the limits granted this caller a permit (each test's
    /// caller is new to its server).
    /// </summary>
    private sealed class LayerTrace(CallerRateLimiters? limiters)
    {
        private readonly List<string> _layers = [];

        public IReadOnlyList<string> Layers
        {
            get
            {
                lock (_layers)
                {
                    return [.. _layers];
                }
            }
        }

        // layer: the probe's own; null to note only the layers without a seam.
        public void Reach(HttpContext context, string? layer)
        {
            lock (_layers)
            {
                if (!_layers.Contains(Layer.RequestContext) && context.Features.Get<RequestContext>() is not null)
                {
                    _layers.Add(Layer.RequestContext);
                }

                if (!_layers.Contains(Layer.CallerLimits) && limiters is not null
                    && limiters.Calls.GrantedTo(CallerRateLimiters.PartitionOf(context)) > 0)
                {
                    _layers.Add(Layer.CallerLimits);
                }

                if (layer is not null)
                {
                    _layers.Add(layer);
                }
            }
        }
    }

    private sealed class TraceStartupFilter(LayerProbes probes) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            // Outermost: everything the server registers runs inside it.
            app.Use((context, nextMiddleware) =>
            {
                var trace = probes.Start(context);
                context.Response.OnStarting(() =>
                {
                    // A refusal ends here: note any layer that ran after the last probe.
                    trace.Reach(context, layer: null);
                    return Task.CompletedTask;
                });
                return nextMiddleware(context);
            });
            next(app);
        };
    }

    private sealed class ProbingCorsPolicyProvider(ICorsPolicyProvider inner) : ICorsPolicyProvider
    {
        public Task<CorsPolicy?> GetPolicyAsync(HttpContext context, string? policyName)
        {
            Reach(context, Layer.Cors);
            return inner.GetPolicyAsync(context, policyName);
        }
    }

    private sealed class ProbingAuthorizationHandler : IAuthorizationHandler
    {
        public Task HandleAsync(AuthorizationHandlerContext context)
        {
            Reach(context.Resource as HttpContext, Layer.Authorization);
            return Task.CompletedTask;
        }
    }

    private sealed class ProbeInterceptor(string layer) : ServerCallInterceptor
    {
        protected override Task<TResult> InterceptAsync<TResult>(
            MethodType methodType, ServerCallContext context, Func<ServerCallContext, Task<TResult>> continuation)
        {
            Reach(context.GetHttpContext(), layer);
            return continuation(context);
        }
    }
}

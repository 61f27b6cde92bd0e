using Google.Protobuf.Reflection;
using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using UserSystem.Server.Hosting;

namespace UserSystem.Server.Web;

public static class WebExtensions
{
    /// <summary>
    /// REST/JSON transcoding of the <c>google.api.http</c> routes, chained on <c>AddUserGrpc</c>.
    /// The transcoded calls run through the same gRPC interceptors.
    /// </summary>
    public static IGrpcServerBuilder AddUserJsonTranscoding(this IGrpcServerBuilder grpc) =>
        grpc.AddJsonTranscoding(options =>
            // google.rpc.Status details are Any: the JSON error body can show a BadRequest's field
            // violations (or any other standard detail) only for types in this registry.
            options.TypeRegistry = TypeRegistry.FromFiles(Google.Rpc.ErrorDetailsReflection.Descriptor));

    /// <summary>CORS for other origins and the <c>Web</c> options.</summary>
    public static IServiceCollection AddUserWeb(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<WebOptions>(configuration, WebOptions.SectionName).ValidateWith<WebOptions, WebOptionsValidator>();

        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<IOptions<WebOptions>>((cors, web) =>
            cors.AddDefaultPolicy(policy => WebCorsPolicy.Configure(policy, web.Value)));
        return services;
    }

    /// <summary>
    /// The HTTP port's middleware: browser security headers, the gRPC-port guard, body caps, JSON bodies for REST refusals, CORS,
    /// gRPC-Web (unary and server streaming, HTTP/1.1 included) for every gRPC service, and the
    /// console's static files. Call it before authentication and authorization: CORS must answer
    /// a preflight (which carries no token) before authorization would refuse it. Plain gRPC
    /// skips the whole branch: none of these serves it, and on a GetUser the seven steps cost
    /// about 3% of the server's CPU (docs/decisions/request-path.md).
    /// </summary>
    public static WebApplication UseUserWeb(this WebApplication app)
    {
        var console = app.Services.GetRequiredService<IOptions<WebOptions>>().Value.Console;
        app.UseWhen(GrpcContentType.IsWebRequest, web =>
        {
            web.UseMiddleware<BrowserSecurityHeaders>();
            web.UseMiddleware<GrpcPortGuard>();
            web.UseMiddleware<RequestBodyLimit>();
            web.UseMiddleware<RestRefusalBody>();
            web.UseCors();
            web.UseGrpcWeb(new GrpcWebOptions { DefaultEnabled = true });
            if (console)
            {
                UseConsole(web);
            }
        });
        return app;
    }

    /// <summary>
    /// Checks REST input against its proto message before transcoding parses it (clear field
    /// errors, the implied update mask). After authorization: an unknown caller's body is not read.
    /// Plain gRPC never needs it.
    /// </summary>
    public static WebApplication UseRestRequestCheck(this WebApplication app)
    {
        app.UseWhen(GrpcContentType.IsWebRequest, web => web.UseMiddleware<RestRequestCheck>());
        return app;
    }

    // The built console (web/ -> Web/ConsoleAssets) is embedded in the assembly, so `dotnet run`,
    // the tests and a published server all serve the same files without a wwwroot on disk.
    private static void UseConsole(IApplicationBuilder app)
    {
        var files = new EmbeddedFileProvider(typeof(WebExtensions).Assembly, "UserSystem.Server.Web.ConsoleAssets");
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            // Fixed file names: revalidate (ETag) on every load so an upgraded server is seen at once.
            OnPrepareResponse = context => context.Context.Response.Headers.CacheControl = "no-cache",
        });
    }
}

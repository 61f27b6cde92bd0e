namespace UserSystem.Server.Web;

/// <summary>The <c>Web</c> configuration section: the browser-facing side of the HTTP port.</summary>
public sealed class WebOptions
{
    public const string SectionName = "Web";

    /// <summary>
    /// Origins (scheme://host[:port]) whose pages may call REST and gRPC-Web from a browser, or
    /// <c>*</c> for any. Empty (the default) allows only the console's own origin.
    /// </summary>
    public string[] CorsOrigins { get; set; } = [];

    /// <summary>Whether the admin console is served at <c>/</c> on the HTTP port.</summary>
    public bool Console { get; set; } = true;
}

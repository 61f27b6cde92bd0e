using Microsoft.Extensions.Options;

namespace UserSystem.Server.Web;

/// <summary>Rejects a bad <c>Web</c> section at start, naming each bad origin.</summary>
public sealed class WebOptionsValidator : IValidateOptions<WebOptions>
{
    public ValidateOptionsResult Validate(string? name, WebOptions options)
    {
        var failures = new List<string>();
        for (var i = 0; i < options.CorsOrigins.Length; i++)
        {
            var origin = options.CorsOrigins[i];
            if (origin != "*" && !IsOrigin(origin))
            {
                failures.Add($"Web:CorsOrigins:{i} '{origin}' is not an origin (scheme://host[:port], e.g. https://admin.example.com) or '*'.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    // A browser sends Origin as scheme://host[:port] exactly; anything with a path never matches.
    private static bool IsOrigin(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && uri.Scheme is "http" or "https"
        && uri.PathAndQuery == "/"
        && !value.EndsWith('/');
}

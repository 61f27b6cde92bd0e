using Microsoft.Extensions.Options;

namespace UserSystem.Server.Hosting;

/// <summary>
/// The one way a configuration section becomes options: bound from its section, checked by its
/// validators, and validated when the host starts so a bad setting stops the server at boot.
/// </summary>
public static class ValidatedOptionsExtensions
{
    /// <summary>
    /// Binds <typeparamref name="TOptions"/> to <paramref name="section"/> and validates it at start
    /// with <typeparamref name="TAnnotations"/>, the <c>[OptionsValidator]</c> source-generated
    /// validator of its data annotations. Chain <see cref="ValidateWith{TOptions, TValidator}"/> for
    /// rules that span several settings.
    /// </summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions, TAnnotations>(this IServiceCollection services, IConfiguration configuration, string section)
        where TOptions : class
        where TAnnotations : class, IValidateOptions<TOptions>, new()
    {
        services.AddSingleton<IValidateOptions<TOptions>>(new SectionValidator<TOptions>(section, new TAnnotations()));
        return services.AddValidatedOptions<TOptions>(configuration, section);
    }

    /// <summary>
    /// Binds <typeparamref name="TOptions"/> to <paramref name="section"/> and validates it at start with the validators chained on.
    /// A value that does not convert to its setting's type is one more validation failure, naming the setting and the value.
    /// </summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions>(this IServiceCollection services, IConfiguration configuration, string section)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var binding = new BindingFailures<TOptions>();
        services.AddSingleton<IValidateOptions<TOptions>>(binding);
        // As OptionsBuilder.Bind does, so an IOptionsMonitor still sees a reloaded section.
        services.AddSingleton<IOptionsChangeTokenSource<TOptions>>(new ConfigurationChangeTokenSource<TOptions>(configuration.GetSection(section)));
        return services.AddOptions<TOptions>().Configure(options => binding.Bind(configuration.GetSection(section), options)).ValidateOnStart();
    }

    /// <summary>
    /// The section read once while services are registered, for a choice of registrations (e.g. whether there is a Redis).
    /// A value that does not convert keeps its default here: validation at start reports it, with every other bad setting.
    /// </summary>
    public static TOptions ReadForRegistration<TOptions>(this IConfiguration configuration, string section)
        where TOptions : class, new()
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new TOptions();
        SectionBinder.Bind(configuration.GetSection(section), options);
        return options;
    }

    /// <summary>Adds a hand-written validator, for a rule no single setting's annotation can state; its messages name the settings themselves.</summary>
    public static OptionsBuilder<TOptions> ValidateWith<TOptions, TValidator>(this OptionsBuilder<TOptions> builder)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        builder.Services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
        return builder;
    }

    /// <summary>
    /// The generated validator reports <c>Member: message</c>; prefixing the section makes the line
    /// name the key as it is configured (<c>Limits:MaxPageSize: ...</c>, environment <c>Limits__MaxPageSize</c>).
    /// </summary>
    private sealed class SectionValidator<TOptions>(string section, IValidateOptions<TOptions> annotations) : IValidateOptions<TOptions>
        where TOptions : class
    {
        public ValidateOptionsResult Validate(string? name, TOptions options)
        {
            var result = annotations.Validate(name, options);
            return result.Failed
                ? ValidateOptionsResult.Fail(result.Failures.Select(failure => $"{section}:{failure}"))
                : result;
        }
    }
}

using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;

namespace UserSystem.Server.Hosting;

/// <summary>
/// Binds a configuration section as <c>ConfigurationBinder</c> does, except that a value that does
/// not convert to its setting's type (<c>Server:GrpcPort=abc</c>, <c>Cache:Enabled=maybe</c>, an
/// unknown <c>Auth:Mode</c>) becomes one failure line naming the setting and the value, reported
/// with the validation errors at start, instead of an exception out of the options factory (which
/// the host prints as a stack trace). Every other setting of the section is still bound, so the
/// validators judge what was configured rather than a half-bound object.
/// </summary>
internal static class SectionBinder
{
    /// <summary>Binds <paramref name="section"/> into <paramref name="options"/> and returns one line per setting that did not convert.</summary>
    public static IReadOnlyList<string> Bind<TOptions>(IConfigurationSection section, TOptions options)
        where TOptions : class
    {
        try
        {
            // First into a scratch instance: a failing bind leaves what it bound before the bad
            // value behind (list items, for one), and a second bind would add them again.
            section.Bind(Activator.CreateInstance<TOptions>());
            section.Bind(options);
            return [];
        }
        catch (InvalidOperationException)
        {
            // The binder stops at the first bad value and says so only in prose: find every bad
            // setting by binding each value alone into a scratch instance, then bind the others.
        }

        var values = section.AsEnumerable(makePathsRelative: true).Where(pair => pair.Value is not null).ToList();
        var failures = new List<string>();
        var bad = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in values)
        {
            try
            {
                InMemory([new(key, value)]).Bind(Activator.CreateInstance<TOptions>());
            }
            catch (InvalidOperationException)
            {
                bad.Add(key);
                failures.Add(Describe(typeof(TOptions), $"{section.Path}:{key}", value!));
            }
        }

        try
        {
            InMemory(values.Where(pair => !bad.Contains(pair.Key))).Bind(options);
        }
        catch (InvalidOperationException exception)
        {
            // A failure that only shows with the other values (none known today): the binder's own words.
            failures.Add($"{section.Path}: {exception.Message}");
        }

        return failures;
    }

    private static IConfiguration InMemory(IEnumerable<KeyValuePair<string, string?>> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    private static string Describe(Type options, string setting, string value)
    {
        var expected = TypeOf(options, setting.Split(':')[1..]) switch
        {
            { IsEnum: true } type => "one of " + string.Join(", ", Enum.GetNames(type)),
            { } type when type == typeof(bool) => "true or false",
            { } type when type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(byte)
                || type == typeof(uint) || type == typeof(ulong) || type == typeof(ushort) || type == typeof(sbyte) => "a whole number in range",
            { } type when type == typeof(double) || type == typeof(float) || type == typeof(decimal) => "a number",
            { } type when type == typeof(TimeSpan) => "a duration such as 00:00:30",
            { } type => "a " + type.Name,
            null => "a valid value",
        };
        return $"{setting}: '{value}' is not {expected}.";
    }

    // The setting's type, following the options' own properties; null inside a collection or dictionary.
    private static Type? TypeOf(Type type, string[] path)
    {
        foreach (var segment in path)
        {
            var property = type.GetProperty(segment, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null)
            {
                return null;
            }

            type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        }

        return type;
    }
}

/// <summary>Reports, at validation, the settings <see cref="SectionBinder"/> could not convert for that very options instance.</summary>
internal sealed class BindingFailures<TOptions> : IValidateOptions<TOptions>
    where TOptions : class
{
    // Keyed by instance, not kept in a field: the factory may build several instances (a reload), each validated right after it is bound.
    private readonly ConditionalWeakTable<TOptions, IReadOnlyList<string>> _failures = [];

    public void Bind(IConfigurationSection section, TOptions options)
    {
        if (SectionBinder.Bind(section, options) is { Count: > 0 } failures)
        {
            _failures.AddOrUpdate(options, failures);
        }
    }

    public ValidateOptionsResult Validate(string? name, TOptions options) =>
        _failures.TryGetValue(options, out var failures) ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Skip;
}

using UserSystem.Bench.LoadTool;

// Closed-loop load: see LoadOptions.Usage and README.md.
LoadOptions options;
try
{
    options = LoadOptions.Parse(args);
}
catch (Exception exception) when (exception is FormatException or UriFormatException or IOException)
{
    await Console.Error.WriteLineAsync($"{exception.Message}{Environment.NewLine}{LoadOptions.Usage}");
    return 2;
}

using var pool = new CallerPool(options);
var result = await new LoadRun(options, pool).RunAsync();
Console.WriteLine(result.ToText());
Console.WriteLine(result.ToJson());
return result.Succeeded ? 0 : 1;

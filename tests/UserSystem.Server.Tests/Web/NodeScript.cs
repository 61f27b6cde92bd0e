using System.Diagnostics;
using System.Text;

namespace UserSystem.Server.Tests.Web;

/// <summary>Runs a Node.js script of <c>web/</c> (whose packages scripts/setup installs) and reads its output.</summary>
internal sealed class NodeScript : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly System.Threading.Channels.Channel<string> _lines = System.Threading.Channels.Channel.CreateUnbounded<string>();

    private NodeScript(Process process)
    {
        _process = process;
    }

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string WebDirectory => Path.Combine(RepositoryRoot, "web");

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static NodeScript Start(params string[] arguments)
    {
        Assert.True(Directory.Exists(Path.Combine(WebDirectory, "node_modules")),
            "web/node_modules is missing: run scripts/test.sh (its setup step runs npm ci in web/).");
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = WebDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start };
        var script = new NodeScript(process);
        process.OutputDataReceived += (_, e) => script.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => script.OnLine(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return script;
    }

    /// <summary>The next output line that satisfies <paramref name="match"/>, or null when the script ended first.</summary>
    public async Task<string?> WaitForLineAsync(Func<string, bool> match)
    {
        await foreach (var line in _lines.Reader.ReadAllAsync())
        {
            if (match(line))
            {
                return line;
            }
        }

        return null;
    }

    public async Task WriteLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    public async Task<int> WaitForExitAsync()
    {
        await _process.WaitForExitAsync();
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            _lines.Writer.TryComplete();
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        _lines.Writer.TryWrite(line);
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "UserSystem.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No UserSystem.slnx above {AppContext.BaseDirectory}.");
    }
}

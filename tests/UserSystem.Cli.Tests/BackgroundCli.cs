using System.Text;
using UserSystem.Cli.Hosting;
using UserSystem.Testing;

namespace UserSystem.Cli.Tests;

/// <summary>
/// A command that runs until cancelled (watch), started in the background with output the test
/// can read while it runs, then stopped the way Ctrl+C stops it: through the cancellation token.
/// </summary>
public sealed class BackgroundCli : IAsyncDisposable
{
    private readonly CancellationTokenSource _cancellation = new();
    private readonly ConcurrentStringWriter _out = new();
    private readonly ConcurrentStringWriter _error = new();
    private readonly Task<int> _run;

    private BackgroundCli(string[] args)
    {
        var host = new CliHost(_out, _error, TextReader.Null, IsInteractive: false, _ => null);
        _run = Task.Run(() => UsersCli.RunAsync(args, host, _cancellation.Token));
    }

    public string[] OutLines => _out.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static BackgroundCli Start(TestServer server, params string[] args) =>
        new(["--address", server.GrpcAddress.ToString(), .. args]);

    /// <summary>Waits until standard output has at least <paramref name="count"/> lines (or the command ended).</summary>
    public async Task<string[]> WaitForLinesAsync(int count)
    {
        using var timeout = new CancellationTokenSource(TaskTimeoutExtensions.Timeout);
        while (OutLines.Length < count && !_run.IsCompleted)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(25), timeout.Token);
        }

        return OutLines;
    }

    /// <summary>Ctrl+C: cancels the token the command runs with and waits for its exit code.</summary>
    public async Task<CliResult> StopAsync()
    {
        await _cancellation.CancelAsync();
        var exitCode = await _run.DefaultTimeout();
        return new CliResult(exitCode, _out.ToString(), _error.ToString());
    }

    /// <summary>Waits for a command that ends by itself (e.g. a failed call).</summary>
    public async Task<CliResult> WaitForExitAsync()
    {
        var exitCode = await _run.DefaultTimeout();
        return new CliResult(exitCode, _out.ToString(), _error.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        await _cancellation.CancelAsync();
        try
        {
            await _run.DefaultTimeout();
        }
        catch (TimeoutException)
        {
            // The test already failed or stopped the command; a stuck run must not hide that.
        }

        _cancellation.Dispose();
        await _out.DisposeAsync();
        await _error.DisposeAsync();
    }

    /// <summary>A writer the command appends to while the test reads it.</summary>
    private sealed class ConcurrentStringWriter : TextWriter
    {
        private readonly StringBuilder _text = new();

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value)
        {
            lock (_text)
            {
                _text.Append(value);
            }
        }

        public override void Write(string? value)
        {
            lock (_text)
            {
                _text.Append(value);
            }
        }

        public override void Write(char[] buffer, int index, int count)
        {
            lock (_text)
            {
                _text.Append(buffer, index, count);
            }
        }

        public override void WriteLine(string? value)
        {
            lock (_text)
            {
                _text.Append(value).Append(CoreNewLine);
            }
        }

        public override string ToString()
        {
            lock (_text)
            {
                return _text.ToString();
            }
        }
    }
}

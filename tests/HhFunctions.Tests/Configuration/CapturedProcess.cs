using System.Diagnostics;
using System.Text;

namespace HhFunctions.Tests.Configuration;

/// <summary>
/// A started process whose standard output and error are gathered in one text that may be read at any time;
/// disposing it kills the process (and its children) and waits for it.
/// </summary>
internal sealed class CapturedProcess : IAsyncDisposable
{
    private readonly StringBuilder _output = new();

    private CapturedProcess(Process process) => Process = process;

    public Process Process { get; }

    public bool HasExited => Process.HasExited;

    /// <summary>Everything the process wrote so far, both streams interleaved as the lines came.</summary>
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

    public static CapturedProcess Start(ProcessStartInfo start)
    {
        ArgumentNullException.ThrowIfNull(start);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        var captured = new CapturedProcess(Process.Start(start)!);
        captured.Process.OutputDataReceived += (_, e) => captured.Append(e.Data);
        captured.Process.ErrorDataReceived += (_, e) => captured.Append(e.Data);
        captured.Process.BeginOutputReadLine();
        captured.Process.BeginErrorReadLine();
        return captured;
    }

    /// <summary>Waits up to <paramref name="timeout"/> for <paramref name="text"/> in the output (the console logger writes on its own thread).</summary>
    public async Task<bool> WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var until = Stopwatch.StartNew();
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (until.Elapsed > timeout || HasExited)
            {
                return Output.Contains(text, StringComparison.Ordinal);
            }

            await Task.Delay(100);
        }

        return true;
    }

    public async ValueTask DisposeAsync()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
        }

        await Process.WaitForExitAsync();
        Process.Dispose();
    }

    private void Append(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}

using System.Diagnostics;
using System.Text;

namespace HhFunctions.Tests.Configuration;

/// <summary>The real standalone process (the build's HhFunctions.Standalone.dll), started as a user would.</summary>
internal static class StandaloneProcess
{
    public static ProcessStartInfo StartInfo(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "HhFunctions.Standalone.dll"), "--urls", "http://127.0.0.1:0", .. args])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = workingDirectory,
        };
        start.Environment["Bump__StandaloneScheduler"] = "false";
        start.Environment["Search__StandaloneScheduler"] = "false";
        start.Environment["Telegram__Polling"] = "false";
        return start;
    }

    /// <summary>
    /// Starts the process, waits for the start-up report's "Data folder (Data__Path): …" line, stops the process and
    /// returns the folder; fails with everything the process wrote when the line does not come.
    /// </summary>
    public static async Task<string> DataFolderAsync(ProcessStartInfo start)
    {
        const string Marker = "Data folder (Data__Path): ";
        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        var errors = process.StandardError.ReadToEndAsync();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                output.AppendLine(line);
                var at = line.IndexOf(Marker, StringComparison.Ordinal);
                if (at >= 0)
                {
                    return line[(at + Marker.Length)..].Trim();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
        }

        throw new Xunit.Sdk.XunitException($"The app did not report its data folder (exit {process.ExitCode}):\n{output}\n{await errors}");
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace HhFunctions.Tests.Configuration;

/// <summary>
/// The real executable started the way a new user starts it: from another folder (so appsettings.json, which lives
/// next to the build output, is not found) and with every log level turned up. No OAuth code, state, setup-link value
/// or function key in a request's URL may reach the log.
/// </summary>
public sealed class LogRedactionTests
{
    [Fact]
    public async Task Standalone_FromAnotherFolderWithTraceLogging_RequestUrlsNeverLogged()
    {
        var port = FreePort();
        var workDir = Directory.CreateTempSubdirectory("hhfunctions-cwd-").FullName;
        var data = Path.Combine(workDir, "data");
        var dll = typeof(Program).Assembly.Location;
        string[] secrets = ["OAUTHCODEabc123secret", "OAUTHSTATExyz789secret", "SETUPLINKqwe456secret", "FUNCTIONKEYrty000secret", "PASTEDCODEuio111secret"];
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["FUNCTIONS_CUSTOMHANDLER_PORT"] = null,
                ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["Data__Path"] = data,
                ["Bump__StandaloneScheduler"] = "false",
                ["Logging__LogLevel__Default"] = "Trace",
                ["Logging__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics"] = "Trace",
                ["Logging__Console__LogLevel__Default"] = "Trace",
                ["Logging__Console__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics"] = "Trace",
                ["HeadHunter__ApiBaseUrl"] = "http://127.0.0.1:9/", // nothing may leave the machine
                ["Telegram__ApiBaseUrl"] = "http://127.0.0.1:9/",
            },
        };
        var process = CapturedProcess.Start(start);
        try
        {
            using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
            HttpResponseMessage? first = null;
            for (var attempt = 0; attempt < 150 && first is null; attempt++)
            {
                try
                {
                    first = await http.GetAsync(new Uri($"api/oauth/callback?code={secrets[0]}&state={secrets[1]}", UriKind.Relative));
                }
                catch (HttpRequestException) when (!process.HasExited)
                {
                    await Task.Delay(100);
                }
            }

            Assert.True(first is not null, "The app never answered. Output:\n" + process.Output);
            Assert.Equal(HttpStatusCode.BadRequest, first!.StatusCode);
            first.Dispose();
            (await http.GetAsync(new Uri($"api/oauth/link?t={secrets[2]}", UriKind.Relative))).Dispose();
            (await http.GetAsync(new Uri($"api/status?code={secrets[3]}", UriKind.Relative))).Dispose();
            using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["form"] = "code", ["pasted"] = secrets[4], ["af"] = "x" });
            (await http.PostAsync(new Uri($"api/status?code={secrets[3]}", UriKind.Relative), form)).Dispose();
            await Task.Delay(500); // let the console logger flush
        }
        finally
        {
            await process.DisposeAsync();
            Directory.Delete(workDir, recursive: true);
        }

        var log = process.Output;
        Assert.Contains("HhFunctions running as standalone", log, StringComparison.Ordinal); // the log was on
        Assert.Contains("dbug:", log, StringComparison.Ordinal); // at Trace/Debug, as asked
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, log, StringComparison.Ordinal);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

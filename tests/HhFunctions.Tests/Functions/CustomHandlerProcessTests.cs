using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace HhFunctions.Tests.Functions;

/// <summary>The real executable, started the way the Functions host starts it.</summary>
public sealed class CustomHandlerProcessTests
{
    [Fact]
    public async Task Executable_WithFunctionsCustomHandlerPort_ServesInvocationsOnLoopbackPort()
    {
        var port = FreePort();
        var data = Path.Combine(Path.GetTempPath(), "hhfunctions-tests", Guid.NewGuid().ToString("N"));
        var dll = typeof(Program).Assembly.Location;
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Data__Path"] = data,
                ["ASPNETCORE_URLS"] = null,
                ["HeadHunter__ApiBaseUrl"] = "http://127.0.0.1:9/", // nothing may leave the machine
                ["Telegram__ApiBaseUrl"] = "http://127.0.0.1:9/",
            },
        };
        using var process = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
            var payload = new
            {
                Data = new { req = new { Url = "https://app.example/api/status", Method = "GET", Query = new { }, Headers = new Dictionary<string, string[]> { ["Accept"] = ["application/json"] } } },
                Metadata = new { sys = new { MethodName = "Status" } },
            };

            HttpResponseMessage? response = null;
            for (var attempt = 0; attempt < 150 && response is null; attempt++)
            {
                try
                {
                    response = await http.PostAsJsonAsync(new Uri("Status", UriKind.Relative), payload);
                }
                catch (HttpRequestException) when (!process.HasExited)
                {
                    await Task.Delay(100);
                }
            }

            Assert.True(response is not null, "The handler never answered on FUNCTIONS_CUSTOMHANDLER_PORT. Output:\n" + output);
            Assert.Equal(HttpStatusCode.OK, response!.StatusCode);
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal(200, doc.RootElement.GetProperty("Outputs").GetProperty("res").GetProperty("statusCode").GetInt32());
            lock (output)
            {
                Assert.Contains("Azure Functions custom handler", output.ToString(), StringComparison.Ordinal);
                Assert.DoesNotContain("Standalone scheduler", output.ToString(), StringComparison.Ordinal);
            }
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

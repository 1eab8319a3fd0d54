using System.Net;
using System.Net.Sockets;
using HhFunctions.Configuration;
using HhFunctions.HeadHunter;
using HhFunctions.Standalone;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace HhFunctions.Tests.Configuration;

/// <summary>
/// Links the owner opens (setup links, the OAuth redirect, the status page in Telegram messages) point where the app
/// answers: App__PublicBaseUrl, else Azure's host name, else the address the standalone host listens on, else
/// http://localhost:7071. Before, a standalone host started on another port sent links to 7071.
/// </summary>
public sealed class PublicAddressTests
{
    [Theory]
    [InlineData("http://localhost:7071", "http://localhost:7071/")]
    [InlineData("http://127.0.0.1:8080", "http://127.0.0.1:8080/")]
    [InlineData("http://*:8080", "http://localhost:8080/")]
    [InlineData("http://+:5000;https://0.0.0.0:5001", "http://localhost:5000/")]
    [InlineData("https://[::]:7443", "https://localhost:7443/")]
    [InlineData("http://0.0.0.0:80", "http://localhost/")]
    [InlineData("http://127.0.0.1:0;http://127.0.0.1:9090", "http://127.0.0.1:9090/")]
    [InlineData("http://unix:/tmp/hh.sock;http://localhost:6000", "http://localhost:6000/")]
    [InlineData("ftp://example.org:21;http://[::1]:6001", "http://[::1]:6001/")]
    public void First_PicksTheFirstAddressABrowserCanOpen(string addresses, string expected) =>
        Assert.Equal(new Uri(expected), StandaloneAddress.First(addresses.Split(';')));

    [Theory]
    [InlineData("")]
    [InlineData("http://127.0.0.1:0")]
    [InlineData("not an address")]
    [InlineData("http://unix:/tmp/hh.sock")]
    public void First_NothingUsable_IsNull(string addresses) =>
        Assert.Null(StandaloneAddress.First(addresses.Split(';', StringSplitOptions.RemoveEmptyEntries)));

    [Fact]
    public void BaseUrl_ConfiguredAddressWins_ThenAzureHostName_ThenTheLocalAddress_ThenPort7071()
    {
        var local = new FixedAddress(new Uri("http://127.0.0.1:8123"));
        Assert.Equal(new Uri("https://hh.example/"), Urls(new Uri("https://hh.example"), "hh-app.azurewebsites.net", local).BaseUrl);
        Assert.Equal(new Uri("https://hh-app.azurewebsites.net/"), Urls(null, "hh-app.azurewebsites.net", local).BaseUrl);
        Assert.Equal(new Uri("http://127.0.0.1:8123/"), Urls(null, null, local).BaseUrl);
        Assert.Equal(new Uri("http://127.0.0.1:8123/api/oauth/callback"), Urls(null, null, local).RedirectUri);
        Assert.Equal(new Uri("http://localhost:7071/"), Urls(null, null, new FixedAddress(null)).BaseUrl);
        Assert.Equal(new Uri("http://localhost:7071/api/status"), Urls(null, null, null).StatusPage);
    }

    [Fact]
    public async Task Standalone_OnAnotherPort_StartupLineAndSetupLinkUseThatPort()
    {
        var port = FreePort();
        var workDir = Directory.CreateTempSubdirectory("hhfunctions-port-").FullName;
        var start = StandaloneProcess.StartInfo(workDir);
        start.ArgumentList[2] = $"http://127.0.0.1:{port}"; // the value after --urls
        start.Environment["Data__Path"] = Path.Combine(workDir, "data");
        start.Environment["HeadHunter__ClientId"] = "client-id";
        start.Environment["HeadHunter__ClientSecret"] = "client-secret";
        start.Environment["HeadHunter__ApiBaseUrl"] = "http://127.0.0.1:9/"; // nothing may leave the machine
        start.Environment["App__PublicBaseUrl"] = null;
        start.Environment["WEBSITE_HOSTNAME"] = null;
        var process = CapturedProcess.Start(start);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
            string? page = null;
            for (var attempt = 0; attempt < 150 && page is null; attempt++)
            {
                try
                {
                    page = await http.GetStringAsync(new Uri("api/status", UriKind.Relative));
                }
                catch (HttpRequestException) when (!process.HasExited)
                {
                    await Task.Delay(100);
                }
            }

            Assert.True(page is not null, "The app never answered. Output:\n" + process.Output);
            Assert.Contains($"http://127.0.0.1:{port}/api/oauth/link?t=", page, StringComparison.Ordinal);
            Assert.DoesNotContain("localhost:7071", page, StringComparison.Ordinal);
            var line = $"public address http://127.0.0.1:{port}/";
            Assert.True(await process.WaitForOutputAsync(line, TimeSpan.FromSeconds(5)), $"no '{line}' in the output:\n{process.Output}");
        }
        finally
        {
            await process.DisposeAsync();
            Directory.Delete(workDir, recursive: true);
        }
    }

    private static PublicUrls Urls(Uri? configured, string? websiteHostName, ILocalAddress? local) =>
        new(
            Options.Create(new AppOptions { PublicBaseUrl = configured }),
            Options.Create(new HhOptions()),
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["WEBSITE_HOSTNAME"] = websiteHostName }).Build(),
            local);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class FixedAddress(Uri? baseUrl) : ILocalAddress
    {
        public Uri? BaseUrl => baseUrl;
    }
}

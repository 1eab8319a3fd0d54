using System.Buffers.Binary;
using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace HhFunctions.Tests.Infrastructure;

/// <summary>
/// Debian's headless Chromium (tests/install-browser.sh installs it) driven by Playwright; no browser download.
/// One browser per test class; every page it opens may reach loopback only.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>Debian's Chromium, or the browser HH_CHROMIUM names (tests/install-browser.sh checks either).</summary>
    public static string ChromiumPath =>
        Environment.GetEnvironmentVariable("HH_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: run tests/install-browser.sh (tests/run.sh does).");
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
            Timeout = 60_000,
        });
    }

    /// <summary>A fresh page of the given size; any request off loopback is aborted (and recorded).</summary>
    public async Task<(IPage Page, List<string> Blocked)> NewPageAsync(int width, int height)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            DeviceScaleFactor = 1,
            Locale = "en-US",
            TimezoneId = "UTC",
            ColorScheme = ColorScheme.Light,
        });
        var blocked = new List<string>();
        await context.RouteAsync("**/*", async route =>
        {
            var uri = new Uri(route.Request.Url);
            if (uri.IsLoopback)
            {
                await route.ContinueAsync();
            }
            else
            {
                lock (blocked)
                {
                    blocked.Add(route.Request.Url);
                }

                await route.AbortAsync();
            }
        });
        var page = await context.NewPageAsync();
        // CI has two cores shared by the app, Azurite, PostgreSQL and Chromium: a page load may take longer than
        // Playwright's default 30 s there without anything being wrong; a real hang still fails, after 90 s.
        page.SetDefaultTimeout(90_000);
        page.SetDefaultNavigationTimeout(90_000);
        return (page, blocked);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}

public static class LiveApp
{
    /// <summary>Starts the app on Kestrel at 127.0.0.1 on a free port (TestServer is unreachable from a browser).</summary>
    public static Uri StartOnLoopback(this AppFactory app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        app.StartServer();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new Uri(address);
    }
}

/// <summary>Navigation by a click, waited for without a race.</summary>
public static class Navigation
{
    /// <summary>
    /// Clicks and waits until the page the click leads to (its URL matching <paramref name="url"/>) has its DOM. The
    /// wait starts before the click, while the URL does not match yet, so it follows that navigation's own life cycle.
    /// Clicking first and then waiting for the URL took the "already there" path, which looks up the frame's load
    /// states instead, and on a loaded machine that wait hung now and then (the new page's load event was never seen,
    /// only its network going idle). The pages here have no scripts or sub-resources to wait for beyond their DOM.
    /// </summary>
    public static async Task ClickToAsync(this ILocator link, IPage page, string url)
    {
        ArgumentNullException.ThrowIfNull(link);
        ArgumentNullException.ThrowIfNull(page);
        var arrived = page.WaitForURLAsync(url, new PageWaitForURLOptions { WaitUntil = WaitUntilState.DOMContentLoaded });
        await link.ClickAsync();
        await arrived;
    }

    /// <inheritdoc cref="ClickToAsync(ILocator, IPage, string)"/>
    public static async Task ClickToAsync(this ILocator link, IPage page, System.Text.RegularExpressions.Regex url)
    {
        ArgumentNullException.ThrowIfNull(link);
        ArgumentNullException.ThrowIfNull(page);
        var arrived = page.WaitForURLAsync(url, new PageWaitForURLOptions { WaitUntil = WaitUntilState.DOMContentLoaded });
        await link.ClickAsync();
        await arrived;
    }
}

/// <summary>Where screenshots go, and the few facts a PNG header tells.</summary>
public static class Screenshots
{
    public static string Folder
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "HhFunctions.sln")))
            {
                dir = dir.Parent;
            }

            var folder = Path.Combine(dir?.FullName ?? throw new InvalidOperationException("HhFunctions.sln not found above the test output folder."), "artifacts", "screenshots");
            Directory.CreateDirectory(folder);
            return folder;
        }
    }

    public static string PathOf(string name) => Path.Combine(Folder, name + ".png");

    /// <summary>Width and height from the IHDR chunk; throws if the bytes are not a PNG.</summary>
    public static (int Width, int Height) PngSize(byte[] png)
    {
        ArgumentNullException.ThrowIfNull(png);
        byte[] signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        if (png.Length < 24 || !png.AsSpan(0, 8).SequenceEqual(signature) || png[12] != (byte)'I' || png[13] != (byte)'H')
        {
            throw new InvalidDataException("Not a PNG image.");
        }

        return (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20, 4)));
    }
}

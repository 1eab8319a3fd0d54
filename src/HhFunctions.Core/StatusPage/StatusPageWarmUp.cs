using HhFunctions.Pages;
using HhFunctions.State;

namespace HhFunctions.StatusPage;

/// <summary>
/// Renders a status page with an empty model on a thread-pool thread, started when the status page is registered,
/// so that the page renderer's first use (loading Microsoft.AspNetCore.Components, compiling its generic code,
/// reading the components' parameters: some 50 ms) overlaps the host's start instead of delaying the first page view.
/// Started any later (as a hosted service) it still runs when the first request comes. No side effects: nothing is
/// read, written or sent, and the HTML is dropped. Once per process.
/// </summary>
public static class StatusPageWarmUp
{
    private static int _started;

    public static void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            _ = Task.Run(RenderAsync, CancellationToken.None);
        }
    }

    private static Task<string> RenderAsync()
    {
        var empty = new StatusModel(DateTimeOffset.UnixEpoch, Configured: true, AccountStatus.Connected, null, "valid", null, null, false, [], [], null)
        {
            FormToken = "warm-up",
            TelegramConfigured = true,
        };
        return PageRenderer.RenderAsync<StatusView>(StatusView.With(empty, null));
    }
}

using HhFunctions.OAuth;
using HhFunctions.StatusPage;
using HhFunctions.Web;

namespace HhFunctions.Pages;

/// <summary>
/// The link from a page back to the status page: relative, as the pages' other links (so it works behind any host
/// name and path), with Azure's function key ("code") when the page was opened with one.
/// </summary>
public static class StatusLink
{
    /// <summary>
    /// Where "code" is not Azure's function key but hh.ru's authorization code (the anonymous OAuth callback): it is
    /// never carried. On every other route "code" is the function key the page was opened with (a new feature's
    /// pages need no entry here).
    /// </summary>
    private static readonly string[] CodeIsNotTheKey = [OAuthRoutes.Callback];

    /// <summary>From a page at /api/{page} opened with the function key: "status", or "status?code=…".</summary>
    public static string FromSibling(string? functionKey) => WithKey(StatusRoutes.Status, functionKey);

    /// <summary>From the page answering <paramref name="request"/>: "status" from /api/vacancies, "../status" from /api/oauth/callback.</summary>
    public static string For(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var path = request.Path.Value ?? string.Empty;
        var folders = path.Split('/', StringSplitOptions.RemoveEmptyEntries).SkipLast(1).ToList();
        string[] target = [Routes.Prefix, StatusRoutes.Status];
        var common = 0;
        while (common < folders.Count && common < target.Length - 1 && folders[common] == target[common])
        {
            common++;
        }

        var href = string.Concat(Enumerable.Repeat("../", folders.Count - common)) + string.Join('/', target[common..]);
        var keyed = !CodeIsNotTheKey.Any(r => path.Equals("/" + Routes.Prefix + "/" + r, StringComparison.OrdinalIgnoreCase));
        return WithKey(href, keyed && request.Query.TryGetValue("code", out var code) && code.Count == 1 ? code[0] : null);
    }

    private static string WithKey(string href, string? functionKey) =>
        string.IsNullOrEmpty(functionKey) ? href : href + "?code=" + Uri.EscapeDataString(functionKey);
}

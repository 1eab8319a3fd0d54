using System.Net;
using HhFunctions.Telegram;

namespace HhFunctions.Recruiting;

/// <summary>Tells the owner of a recruiting problem once per key (kept in the recruiting state), and again only after it was cleared.</summary>
public sealed class RecruitingNotices(IRecruitingStore store, ITelegramNotifier telegram)
{
    /// <summary>Sends <paramref name="text"/> (plain text, no personal data) unless <paramref name="key"/> was already told.</summary>
    public async Task TellOnceAsync(string key, string text, CancellationToken ct)
    {
        var first = false;
        await store.UpdateStateAsync(s =>
        {
            if (s.Told.Contains(key))
            {
                return s;
            }

            first = true;
            return s with { Told = [.. s.Told.TakeLast(30), key] };
        }, ct);
        if (first)
        {
            await telegram.SendAsync("💼 <b>Recruiting</b>: " + WebUtility.HtmlEncode(text), ct);
        }
    }

    /// <summary>The problem behind <paramref name="key"/> is over: the next one is told again (and this says so, if it was told).</summary>
    public async Task ClearAsync(string key, string? text, CancellationToken ct)
    {
        var was = false;
        await store.UpdateStateAsync(s =>
        {
            if (!s.Told.Contains(key))
            {
                return s;
            }

            was = true;
            return s with { Told = [.. s.Told.Where(k => k != key)] };
        }, ct);
        if (was && text is not null)
        {
            await telegram.SendAsync("💼 <b>Recruiting</b>: " + WebUtility.HtmlEncode(text), ct);
        }
    }
}

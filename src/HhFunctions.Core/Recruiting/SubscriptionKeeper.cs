using HhFunctions.Configuration;
using HhFunctions.HeadHunter;
using HhFunctions.HeadHunter.Models;
using HhFunctions.State;
using HhFunctions.Tokens;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HhFunctions.Recruiting;

/// <summary>
/// Keeps hh.ru's webhook subscription pointing at {App__PublicBaseUrl}/api/hh/webhook/{key} with the response and
/// stage-change actions (vacancies_only_mine=false): GET first, POST when there is none, PUT on already_exist or a
/// different URL or actions. Runs when an employer account is connected and on every reconcile run (hh.ru drops
/// subscriptions when access is revoked).
/// </summary>
public sealed partial class SubscriptionKeeper(
    HhClient hh,
    TokenManager tokens,
    EmployerPacer pacer,
    WebhookKeys keys,
    IRecruitingStore store,
    RecruitingNotices notices,
    IOptions<AppOptions> app,
    TimeProvider time,
    ILogger<SubscriptionKeeper> logger) : IAccountConnectedListener
{
    public static readonly IReadOnlyList<HhWebhookAction> Actions =
    [
        new(RecruitingEvent.NewResponseOrInvitation, new HhWebhookActionSettings(false)),
        new(RecruitingEvent.StateChange, new HhWebhookActionSettings(false)),
    ];

    public async Task OnConnectedAsync(AccountState account, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(account);
        if (account.IsEmployer)
        {
            await EnsureAsync(ct);
        }
    }

    /// <summary>Returns a one-line outcome for the run's summary (no key, no URL).</summary>
    public async Task<string> EnsureAsync(CancellationToken ct)
    {
        if (app.Value.PublicBaseUrl is not { } baseUrl)
        {
            await notices.TellOnceAsync("no-public-url", "App__PublicBaseUrl is not set, so hh.ru cannot be told where to send responses. The reconcile run still brings every response in, every 15 minutes.", ct);
            return "no subscription (App__PublicBaseUrl not set)";
        }

        var root = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl.AbsoluteUri : baseUrl.AbsoluteUri + "/";
        var url = new Uri(root + "api/" + RecruitingRoutes.Webhook.Replace("{key}", await keys.GetAsync(ct), StringComparison.Ordinal));
        try
        {
            await pacer.WaitTurnAsync(ct);
            var existing = await tokens.WithAccessTokenAsync((t, c) => hh.GetWebhookSubscriptionsAsync(t, c), ct);
            var mine = existing.Count > 0 ? existing[0] : null;
            if (mine is not null && Matches(mine, url))
            {
                await RecordAsync(mine.Id, url, ct);
                return "subscription in place";
            }

            if (mine?.Id is { } id)
            {
                await UpdateAsync(id, url, ct);
                return "subscription updated";
            }

            try
            {
                await pacer.WaitTurnAsync(ct);
                var created = await tokens.WithAccessTokenAsync((t, c) => hh.CreateWebhookSubscriptionAsync(t, url, Actions, c), ct);
                await RecordAsync(created, url, ct);
                Log.Subscribed(logger, "created");
                return "subscribed";
            }
            catch (HhApiException ex) when (ex.Error.Value == "already_exist")
            {
                await pacer.WaitTurnAsync(ct);
                var again = await tokens.WithAccessTokenAsync((t, c) => hh.GetWebhookSubscriptionsAsync(t, c), ct);
                if ((again.Count > 0 ? again[0] : null)?.Id is not { } existingId)
                {
                    throw;
                }

                await UpdateAsync(existingId, url, ct);
                return "subscription updated";
            }
        }
        catch (HhApiException ex)
        {
            Log.Failed(logger, ex.Error.Message);
            await notices.TellOnceAsync("subscribe-failed", $"hh.ru's webhook subscription could not be set up ({ex.Error.Message}). The reconcile run still brings every response in and tries again.", ct);
            return "subscription failed: " + ex.Error.Message;
        }
        catch (TokenUnavailableException ex)
        {
            return "subscription not checked: " + ex.Message;
        }
    }

    private async Task UpdateAsync(string id, Uri url, CancellationToken ct)
    {
        await pacer.WaitTurnAsync(ct);
        await tokens.WithAccessTokenAsync((t, c) => hh.UpdateWebhookSubscriptionAsync(t, id, url, Actions, c), ct);
        await RecordAsync(id, url, ct);
        Log.Subscribed(logger, "updated");
    }

    private static bool Matches(HhWebhookSubscription s, Uri url) =>
        string.Equals(s.Url, url.AbsoluteUri, StringComparison.Ordinal)
        && Actions.All(a => s.Actions?.Any(x => x.Type == a.Type && (x.Settings?.VacanciesOnlyMine ?? false) == false) == true);

    private async Task RecordAsync(string? id, Uri url, CancellationToken ct)
    {
        var hash = RecruitingKeys.Hash(url.AbsoluteUri);
        await store.UpdateStateAsync(s => s.SubscriptionId == id && s.SubscribedUrlHash == hash ? s : s with
        {
            SubscriptionId = id,
            SubscribedUrlHash = hash,
            SubscribedAt = time.GetUtcNow(),
        }, ct);
        await notices.ClearAsync("subscribe-failed", null, ct);
    }

    private static partial class Log
    {
        [LoggerMessage(9301, LogLevel.Information, "Recruiting: hh.ru's webhook subscription {Outcome}.")]
        public static partial void Subscribed(ILogger logger, string outcome);

        [LoggerMessage(9302, LogLevel.Warning, "Recruiting: hh.ru's webhook subscription could not be set up: {Reason}.")]
        public static partial void Failed(ILogger logger, string reason);
    }
}

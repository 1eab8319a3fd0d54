namespace HhFunctions.Bitrix24;

/// <summary>Bitrix24__*: the portal's incoming webhook and its rate limits.</summary>
public sealed class Bitrix24Options
{
    public const string SectionName = "Bitrix24";

    /// <summary>https://{portal}/rest/{user}/{secret}/ (a secret: Key Vault Bitrix24--WebhookUrl). Empty: recruiting writes nothing.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>The portal's drain rate (2 on most plans, 5 on Enterprise).</summary>
    public double RatePerSecond { get; set; } = 2;

    /// <summary>The portal's limit before blocking (50, 250 on Enterprise).</summary>
    public int Burst { get; set; } = 50;

    /// <summary>How long one request may take (the cloud cuts requests at 60 s).</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The CRM entity: lead (default) or deal (a contact plus a deal).</summary>
    public string Entity { get; set; } = "lead";

    /// <summary>The deal pipeline (deal mode); 0 is the default pipeline.</summary>
    public int DealCategoryId { get; set; }

    /// <summary>The outgoing webhook's application token (auth[application_token]); a secret (Key Vault Bitrix24--OutgoingToken). Needed by Recruiting__SyncBack.</summary>
    public string? OutgoingToken { get; set; }
    /// <summary>The Bitrix24 user (ASSIGNED_BY_ID) of new records whose vacancy has no assignee chosen on the desk; null: the portal's default (the webhook's user).</summary>
    public long? DefaultAssigneeId { get; set; }
}

using System.Globalization;
using HhFunctions.Bitrix24;
using Microsoft.Extensions.Options;

namespace HhFunctions.Recruiting;

/// <summary>
/// Recruiting__StageMap: hh.ru's employer state of a response → the Bitrix24 lead status or deal stage
/// ("hh state=STAGE", ';'-separated; docs/recruiting.md). hh.ru → Bitrix24 uses each entry; Bitrix24 → hh.ru
/// (Recruiting__SyncBack) reads a stage back as the FIRST hh.ru state listed for it, so several hh.ru states may share
/// one stage (discard, discard_by_employer → JUNK) and a record already on the stage of hh.ru's state is in step.
/// Deal stages of pipeline N (Bitrix24__DealCategoryId above 0) are "CN:STAGE" in Bitrix24: a bare STAGE gets the
/// prefix, a prefix of another pipeline is an error.
/// </summary>
public sealed class StageMap
{
    /// <summary>Lead statuses (STATUS): Bitrix24's defaults NEW, IN_PROCESS, PROCESSED, JUNK (CONVERTED is conversion's own).</summary>
    public const string DefaultLeadMap =
        "response=NEW;consider=IN_PROCESS;invitation=IN_PROCESS;phone_interview=IN_PROCESS;interview=IN_PROCESS;assessment=IN_PROCESS;"
        + "offer=PROCESSED;hired=PROCESSED;discard=JUNK;discard_by_employer=JUNK;discard_after_interview=JUNK";

    /// <summary>Deal stages (DEAL_STAGE, or DEAL_STAGE_{id} with the CN: prefix): Bitrix24's default pipeline's stages.</summary>
    public const string DefaultDealMap =
        "response=NEW;consider=PREPARATION;invitation=PREPAYMENT_INVOICE;phone_interview=PREPAYMENT_INVOICE;interview=EXECUTING;assessment=EXECUTING;"
        + "offer=FINAL_INVOICE;hired=WON;discard=LOSE;discard_by_employer=LOSE;discard_after_interview=LOSE";

    private readonly List<(string Hh, string Crm)> _entries;

    private StageMap(List<(string Hh, string Crm)> entries, string newStage)
    {
        _entries = entries;
        NewStage = newStage;
    }

    /// <summary>The stage a record has when the app creates it (Bitrix24's first stage: NEW, or CN:NEW).</summary>
    public string NewStage { get; }

    public IReadOnlyList<(string Hh, string Crm)> Entries => _entries;

    /// <summary>The Bitrix24 stage for an hh.ru state, or null when the map does not name it.</summary>
    public string? ToCrm(string? hhState) =>
        hhState is null ? null : _entries.FirstOrDefault(e => string.Equals(e.Hh, hhState, StringComparison.Ordinal)).Crm;

    /// <summary>The hh.ru state a Bitrix24 stage stands for (the first one listed for it), or null.</summary>
    public string? ToHh(string? crmStage) =>
        crmStage is null ? null : _entries.FirstOrDefault(e => string.Equals(e.Crm, crmStage, StringComparison.OrdinalIgnoreCase)).Hh;

    /// <summary>True when <paramref name="crmStage"/> is what the map names for <paramref name="hhState"/> (the two sides are in step).</summary>
    public bool InStep(string? hhState, string? crmStage) =>
        ToCrm(hhState) is { } mapped && string.Equals(mapped, crmStage, StringComparison.OrdinalIgnoreCase);

    /// <summary>The default map text for the entity (lead or deal).</summary>
    public static string DefaultFor(bool deal) => deal ? DefaultDealMap : DefaultLeadMap;

    /// <summary>Parses the setting (empty: the default for the entity); problems name the entry, never a secret.</summary>
    public static StageMap? TryParse(string? text, bool deal, int categoryId, out IReadOnlyList<string> problems)
    {
        var found = new List<string>();
        var source = string.IsNullOrWhiteSpace(text) ? DefaultFor(deal) : text;
        var prefix = deal && categoryId > 0 ? "C" + categoryId.ToString(CultureInfo.InvariantCulture) + ":" : string.Empty;
        var entries = new List<(string Hh, string Crm)>();
        var position = 0;
        foreach (var raw in source.Split(';'))
        {
            position++;
            var entry = raw.Trim();
            if (entry.Length == 0)
            {
                continue;
            }

            var parts = entry.Split('=');
            if (parts.Length != 2 || parts[0].Trim().Length == 0 || parts[1].Trim().Length == 0)
            {
                found.Add($"Recruiting__StageMap entry {position} ('{Shorten(entry)}') must be 'hh state=Bitrix24 stage', e.g. 'interview=IN_PROCESS'.");
                continue;
            }

            var hh = parts[0].Trim();
            var crm = parts[1].Trim();
            if (hh.Length > 64 || !hh.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'))
            {
                found.Add($"Recruiting__StageMap entry {position}: '{Shorten(hh)}' is not an hh.ru employer state id (lower-case letters, digits and _, such as interview or discard).");
                continue;
            }

            var colon = crm.IndexOf(':', StringComparison.Ordinal);
            var given = colon < 0 ? null : crm[..(colon + 1)];
            var id = colon < 0 ? crm : crm[(colon + 1)..];
            if (id.Length is 0 or > 50 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                found.Add($"Recruiting__StageMap entry {position}: '{Shorten(crm)}' is not a Bitrix24 status or stage id (letters, digits and _, such as IN_PROCESS or C3:WON).");
                continue;
            }

            if (given is not null && !deal)
            {
                found.Add($"Recruiting__StageMap entry {position}: '{Shorten(crm)}' has a pipeline prefix, but leads (Bitrix24__Entity=lead) have statuses without one.");
                continue;
            }

            if (given is not null && !string.Equals(given, prefix, StringComparison.OrdinalIgnoreCase))
            {
                found.Add(prefix.Length == 0
                    ? $"Recruiting__StageMap entry {position}: '{Shorten(crm)}' names another pipeline; the default pipeline (Bitrix24__DealCategoryId=0) has stages without a prefix."
                    : $"Recruiting__StageMap entry {position}: '{Shorten(crm)}' names another pipeline than Bitrix24__DealCategoryId={categoryId} (its stages are {prefix}STAGE; a bare STAGE gets the prefix).");
                continue;
            }

            if (entries.Any(e => e.Hh == hh))
            {
                found.Add($"Recruiting__StageMap names the hh.ru state '{hh}' twice (entry {position}); each state maps to one stage.");
                continue;
            }

            entries.Add((hh, prefix + id.ToUpperInvariant()));
        }

        if (found.Count == 0 && entries.Count == 0)
        {
            found.Add("Recruiting__StageMap has no entries; leave it empty for the default map, or give 'hh state=Bitrix24 stage;...'.");
        }

        problems = found;
        return found.Count == 0 ? new StageMap(entries, prefix + "NEW") : null;
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}

/// <summary>The map of the configured entity and pipeline, parsed once (the validator refuses a bad one at start).</summary>
public sealed class StageMaps(IOptions<RecruitingOptions> options, IOptions<Bitrix24Options> crm)
{
    private StageMap? _map;

    public bool DealMode => string.Equals(crm.Value.Entity, "deal", StringComparison.OrdinalIgnoreCase);

    public StageMap Current => _map ??= StageMap.TryParse(options.Value.StageMap, DealMode, crm.Value.DealCategoryId, out var problems)
        ?? throw new OptionsValidationException(nameof(RecruitingOptions.StageMap), typeof(RecruitingOptions), problems);
}

/// <summary>
/// Checks Recruiting__StageMap against Bitrix24__Entity and Bitrix24__DealCategoryId, and Recruiting__SyncBack's
/// needs (Bitrix24__OutgoingToken), at start. Messages never show the token.
/// </summary>
public sealed class StageSyncOptionsValidator(IOptions<Bitrix24Options> crm) : IValidateOptions<RecruitingOptions>
{
    public const int MinTokenLength = 16;
    public const int MaxTokenLength = 128;
    public const int MaxMessageLength = 2000;

    public ValidateOptionsResult Validate(string? name, RecruitingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var bitrix = crm.Value;
        var problems = new List<string>();
        var deal = string.Equals(bitrix.Entity, "deal", StringComparison.OrdinalIgnoreCase);
        if (string.Equals(bitrix.Entity, "lead", StringComparison.OrdinalIgnoreCase) || deal)
        {
            StageMap.TryParse(options.StageMap, deal, Math.Max(0, bitrix.DealCategoryId), out var mapProblems);
            problems.AddRange(mapProblems);
        }

        var token = bitrix.OutgoingToken;
        if (!string.IsNullOrEmpty(token) && !IsWellFormedToken(token))
        {
            problems.Add($"Bitrix24__OutgoingToken must be {MinTokenLength}-{MaxTokenLength} characters of A-Z a-z 0-9 _ - (the outgoing webhook's application token, as Bitrix24 shows it); the value given is not (it is not shown here).");
        }

        if (options.SyncBack && string.IsNullOrEmpty(token))
        {
            problems.Add("Recruiting__SyncBack=true needs Bitrix24__OutgoingToken: the application token of the outgoing webhook that sends ONCRMLEADUPDATE / ONCRMDEALUPDATE to the app (docs/recruiting.md, 'Sync back').");
        }

        if (options.SyncBackMessage is { Length: > MaxMessageLength })
        {
            problems.Add($"Recruiting__SyncBackMessage must be at most {MaxMessageLength} characters.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    public static bool IsWellFormedToken(string? token) =>
        token is { Length: >= MinTokenLength and <= MaxTokenLength } && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');
}

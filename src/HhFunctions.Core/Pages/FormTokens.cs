using HhFunctions.OAuth;
using HhFunctions.State;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace HhFunctions.Pages;

/// <summary>
/// The pages' antiforgery values: one single-use value per rendered page, kept in the state store so that any
/// instance can check it (cookie-based antiforgery would need keys shared between instances); and the reading of a
/// posted form that carries one (<see cref="ReadAsync"/>), shared by the status page, the desk and the invite page.
/// </summary>
public sealed class FormTokens(IStateStore state, TimeProvider time)
{
    /// <summary>A fresh single-use antiforgery value for the forms of one rendered page.</summary>
    public async Task<string> MintAsync(CancellationToken ct)
    {
        var token = New();
        await state.SaveOneTimeTokensAsync([token], ct);
        return token.Value;
    }

    /// <summary>A new value as the token to store before the page that carries it is shown (see <see cref="MintAsync"/>).</summary>
    public OneTimeToken New() =>
        new(OneTimePurpose.FormToken, SetupLinks.NewRandomValue(), time.GetUtcNow() + AccessPages.FormLifetime, null);

    /// <summary>The browser says the form was sent from another site (Sec-Fetch-Site: cross-site).</summary>
    public static bool IsCrossSite(string? fetchSite) => string.Equals(fetchSite, "cross-site", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// A posted form, checked in this order: sent from another site, not a form, a field repeated (or, with
    /// <paramref name="maxField"/>, longer than that), then its antiforgery value in <paramref name="antiforgeryField"/>
    /// (at most <paramref name="maxToken"/> characters), which is spent here. The first check that fails is the
    /// answer's <see cref="PostedForm.Refusal"/>; each page words it itself.
    /// </summary>
    public async Task<PostedForm> ReadAsync(string? body, string? fetchSite, string antiforgeryField, int maxToken, CancellationToken ct, int? maxField = null)
    {
        if (IsCrossSite(fetchSite))
        {
            return PostedForm.Refused(FormRefusal.CrossSite);
        }

        Dictionary<string, StringValues> form;
        try
        {
            form = QueryHelpers.ParseQuery(body ?? string.Empty);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException)
        {
            return PostedForm.Refused(FormRefusal.Unreadable);
        }

        if (form.Values.Any(v => v.Count > 1) || (maxField is { } max && form.Values.Any(v => v.ToString().Length > max)))
        {
            return PostedForm.Refused(FormRefusal.RepeatedOrTooLong);
        }

        var posted = new PostedForm(FormRefusal.None, form);
        var token = posted.Field(antiforgeryField);
        var consumed = string.IsNullOrEmpty(token) || token.Length > maxToken
            ? ConsumeResult.Unknown
            : await state.ConsumeOneTimeTokenAsync(OneTimePurpose.FormToken, token, time.GetUtcNow(), ct);
        return consumed switch
        {
            ConsumeResult.Expired => PostedForm.Refused(FormRefusal.Expired),
            ConsumeResult.AlreadyUsed => PostedForm.Refused(FormRefusal.AlreadyUsed),
            ConsumeResult.Unknown => PostedForm.Refused(FormRefusal.UnknownToken),
            _ => posted,
        };
    }
}

/// <summary>The answer to a refused form of a page named <paramref name="page"/> ("status page", "desk").</summary>
public static class FormRefusals
{
    public static (int Status, string Title, string Message) Answer(FormRefusal refusal, string page) => refusal switch
    {
        FormRefusal.CrossSite => (403, "Form refused", $"This form was sent from another site; only the {page} itself can send it."),
        FormRefusal.Unreadable => (400, "Form unreadable", $"The form could not be read. Reload the {page} and try again."),
        FormRefusal.RepeatedOrTooLong => (400, "Form unreadable", $"The form repeats a field. Reload the {page} and try again."),
        FormRefusal.Expired => (403, "Form expired", $"The form is older than {AccessPages.FormLifetime.TotalMinutes:0} minutes. Reload the {page} and send it again."),
        FormRefusal.AlreadyUsed => (403, "Form already sent", $"This form was already sent once. Reload the {page} to send it again."),
        FormRefusal.UnknownToken => (403, "Form refused", $"The form does not come from this app's {page} (its antiforgery value is missing or unknown). Reload the {page} and send it from there."),
        _ => throw new ArgumentOutOfRangeException(nameof(refusal), refusal, "the form was not refused"),
    };
}

/// <summary>Why a posted form is not acted on (<see cref="FormTokens.ReadAsync"/>); <see cref="None"/>: it is.</summary>
public enum FormRefusal
{
    None,
    CrossSite,
    Unreadable,
    RepeatedOrTooLong,
    Expired,
    AlreadyUsed,
    UnknownToken,
}

/// <summary>A posted form's fields once its checks passed, or why it was refused (then it has no fields).</summary>
public sealed record PostedForm(FormRefusal Refusal, IReadOnlyDictionary<string, StringValues> Fields)
{
    public static PostedForm Refused(FormRefusal refusal) => new(refusal, new Dictionary<string, StringValues>());

    /// <summary>The field's value, or "" when the form has no such field.</summary>
    public string Field(string name) => Fields.TryGetValue(name, out var v) ? v.ToString() : string.Empty;
}

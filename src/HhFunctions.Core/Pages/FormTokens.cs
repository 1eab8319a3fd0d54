using HhFunctions.OAuth;
using HhFunctions.State;

namespace HhFunctions.Pages;

/// <summary>
/// The status page's antiforgery values: one single-use value per rendered page, kept in the state store so
/// that any instance can check it (cookie-based antiforgery would need keys shared between instances).
/// </summary>
public sealed class FormTokens(IStateStore state, TimeProvider time)
{
    /// <summary>A fresh single-use antiforgery value for the forms of one rendered status page.</summary>
    public async Task<string> MintAsync(CancellationToken ct)
    {
        var token = New();
        await state.SaveOneTimeTokensAsync([token], ct);
        return token.Value;
    }

    /// <summary>A new value as the token to store before the page that carries it is shown (see <see cref="MintAsync"/>).</summary>
    public OneTimeToken New() =>
        new(OneTimePurpose.FormToken, SetupLinks.NewRandomValue(), time.GetUtcNow() + AccessPages.FormLifetime, null);
}

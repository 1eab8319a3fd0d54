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
        var value = SetupLinks.NewRandomValue();
        await state.SaveOneTimeTokenAsync(new OneTimeToken(OneTimePurpose.FormToken, value, time.GetUtcNow() + AccessPages.FormLifetime, null), ct);
        return value;
    }
}

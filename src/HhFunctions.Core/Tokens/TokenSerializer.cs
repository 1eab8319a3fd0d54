using System.Text.Json;
using HhFunctions.HeadHunter;

namespace HhFunctions.Tokens;

internal static class TokenSerializer
{
    public static string Serialize(TokenSet tokens) => JsonSerializer.Serialize(tokens);

    public static TokenSet Deserialize(string json, string where)
    {
        try
        {
            var tokens = JsonSerializer.Deserialize<TokenSet>(json);
            if (tokens is null || string.IsNullOrEmpty(tokens.AccessToken) || string.IsNullOrEmpty(tokens.RefreshToken))
            {
                throw new TokenVaultException($"The token value in {where} is incomplete; reconnect the account.");
            }

            return tokens;
        }
        catch (JsonException ex)
        {
            // The message names the place, never the content.
            throw new TokenVaultException($"The token value in {where} is not valid JSON; reconnect the account.", ex);
        }
    }
}

using Azure;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Configuration;

namespace HhFunctions.Configuration;

/// <summary>
/// Loads Key Vault secrets as configuration at start, mapping "--" to ":" (Telegram--BotToken becomes
/// Telegram:BotToken). The token-pair secret and the application token's beside it ("{name}-app") are skipped:
/// they are runtime state, not configuration.
/// </summary>
public sealed class KeyVaultConfigurationSource(SecretClient client, string skipSecretName) : IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider(client, skipSecretName);

    private sealed class Provider(SecretClient client, string skip) : ConfigurationProvider
    {
        public override void Load()
        {
            var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            try
            {
                foreach (var properties in client.GetPropertiesOfSecrets())
                {
                    if (properties.Enabled != true || string.Equals(properties.Name, skip, StringComparison.OrdinalIgnoreCase)
                        || string.Equals(properties.Name, skip + "-app", StringComparison.OrdinalIgnoreCase))
                    {
                        continue;
                    }

                    var secret = client.GetSecret(properties.Name);
                    data[properties.Name.Replace("--", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal)] = secret.Value.Value;
                }
            }
            catch (RequestFailedException ex)
            {
                throw new InvalidOperationException($"KeyVault__Uri is set but the vault {client.VaultUri} could not be read (HTTP {ex.Status}, {ex.ErrorCode}). Give the app's identity the 'Key Vault Secrets Officer' role, or unset KeyVault__Uri.", ex);
            }
            catch (Azure.Identity.AuthenticationFailedException ex)
            {
                throw new InvalidOperationException($"KeyVault__Uri is set but no Azure identity could sign in to {client.VaultUri}: {ex.Message.Split('\n')[0]}", ex);
            }

            Data = data;
        }
    }
}

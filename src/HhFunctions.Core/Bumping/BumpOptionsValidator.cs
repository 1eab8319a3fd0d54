using HhFunctions.Configuration;
using Microsoft.Extensions.Options;

namespace HhFunctions.Bumping;

[OptionsValidator]
internal sealed partial class BumpOptionsAttributes : IValidateOptions<BumpOptions>;

/// <summary>Bump__Schedule must parse; Bump__MaxWait within the function timeout.</summary>
public sealed class BumpOptionsValidator : IValidateOptions<BumpOptions>
{
    public ValidateOptionsResult Validate(string? name, BumpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return ConfigurationValidator.Collect(
            Cron.Problem("Bump__Schedule", options.Schedule, "0 1 */4 * * *"),
            ConfigurationValidator.Within(options.MaxWait, TimeSpan.Zero, TimeSpan.FromMinutes(9), "Bump__MaxWait must be between 0 and 9 minutes (the function timeout is 10)."));
    }
}

using HhFunctions.Applying;
using HhFunctions.HeadHunter;
using HhFunctions.Bumping;
using HhFunctions.Telegram;
using HhFunctions.Vacancies;
using Microsoft.Extensions.Options;

namespace HhFunctions.Configuration;

// The options' [Required] / [MinLength] rules, checked by code the options source generator
// writes at build time rather than by DataAnnotations reflection at start-up (that was the slowest step of the
// standalone host's start; see tests/startup-bench.sh). Registered by AttributeValidation.ValidateAttributes.
// Ranges and patterns are checked by the hand-written validators (ConfigurationValidator): the generator's copy of
// [Range] drops ErrorMessage, and [RegularExpression] would parse its pattern at every start.

[OptionsValidator]
internal sealed partial class DataOptionsAttributes : IValidateOptions<DataOptions>;

internal static class AttributeValidation
{
    /// <summary>Checks <typeparamref name="TOptions"/>' attributes with the generated <typeparamref name="TValidator"/> (in place of ValidateDataAnnotations).</summary>
    public static OptionsBuilder<TOptions> ValidateAttributes<TOptions, TValidator>(this OptionsBuilder<TOptions> options)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        options.Services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
        return options;
    }
}

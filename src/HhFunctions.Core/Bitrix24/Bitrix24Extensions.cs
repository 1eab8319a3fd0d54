namespace HhFunctions.Bitrix24;

public static class Bitrix24Extensions
{
    /// <summary>The Bitrix24 portal's client (placeholder until the client lands).</summary>
    public static IHostApplicationBuilder AddBitrix24(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<Bitrix24Options>().BindConfiguration(Bitrix24Options.SectionName);
        return builder;
    }
}

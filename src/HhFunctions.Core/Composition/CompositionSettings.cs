namespace HhFunctions.Composition;

/// <summary>
/// Options read while the services are registered (which store, which schedules, whether the bot polls): bound once
/// per builder and kept in <see cref="IHostApplicationBuilder.Properties"/>, as each bind walks every configuration
/// provider's keys and ten features ask which store to use. The options the app runs with are bound again, and
/// validated, by the options system.
/// </summary>
public static class CompositionSettings
{
    /// <summary>
    /// The <paramref name="section"/> bound by <paramref name="bind"/> (a concrete <c>Get&lt;T&gt;()</c>, so the
    /// configuration binding generator binds it without reflection), or a new <typeparamref name="T"/> when the
    /// section is empty; the same object on every call for one builder.
    /// </summary>
    public static T Settings<T>(this IHostApplicationBuilder builder, string section, Func<IConfigurationSection, T?> bind)
        where T : class, new()
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(bind);
        var key = (typeof(CompositionSettings), typeof(T), section);
        if (builder.Properties.TryGetValue(key, out var cached) && cached is T settings)
        {
            return settings;
        }

        settings = bind(builder.Configuration.GetSection(section)) ?? new T();
        builder.Properties[key] = settings;
        return settings;
    }
}

using HhFunctions.Applying;
using HhFunctions.Composition;
using HhFunctions.Configuration;
using HhFunctions.StatusPage;
using HhFunctions.Vacancies;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace HhFunctions.OwnDatabase;

public static class OwnDatabaseExtensions
{
    /// <summary>
    /// The own-database mirror (docs/own-database.md), only when Sql__ConnectionString is set: the outbox (through
    /// AddStore), the watch's hook, the applications store's decorator, the port for recruiting responses
    /// (<see cref="IResponseMirror"/>), the pump and its background loop. Registered after Vacancies and Applying,
    /// whose stores it wraps. The status page's section is always registered (it shows nothing while the mirror is off).
    /// </summary>
    public static IHostApplicationBuilder AddOwnDatabase(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<SqlOptions>().BindConfiguration(SqlOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SqlOptions>, SqlOptionsValidator>();
        services.AddTransient<OwnDatabaseStatus>();
        services.AddTransient<IStatusSection, OwnDatabaseStatus>();
        services.TryAddSingleton<IResponseMirror, NoResponseMirror>();
        var sql = builder.Settings(SqlOptions.SectionName, s => s.Get<SqlOptions>());
        if (!sql.Enabled || SqlOptionsValidator.Describe(sql.ConnectionString) is not null)
        {
            return builder; // off, or refused at start by the validator (one line, no value)
        }

        AddMirror(builder);
        return builder;
    }

    /// <summary>The mirror's services; a method of its own, so Npgsql loads only when the mirror is on (tests/startup-bench.sh).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void AddMirror(IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        builder.AddStore<IMirrorOutbox, TableMirrorOutbox, FileMirrorOutbox>();
        services.TryAddSingleton(sp => new NpgsqlDataSourceBuilder(sp.GetRequiredService<IOptions<SqlOptions>>().Value.ConnectionString).Build());
        services.TryAddSingleton<MirrorSignal>();
        services.TryAddSingleton<MirrorPump>();
        services.AddHostedService<MirrorBackground>();
        services.RemoveAll<IVacancyMirror>();
        services.AddSingleton<IVacancyMirror, OutboxVacancyMirror>();
        services.RemoveAll<IResponseMirror>();
        services.AddSingleton<IResponseMirror, OutboxResponseMirror>();

        // Every application change also goes to the outbox: the store Applying registered, wrapped.
        var inner = services.LastOrDefault(d => d.ServiceType == typeof(IApplicationStore))
            ?? throw new InvalidOperationException("AddOwnDatabase must come after AddApplying.");
        services.Remove(inner);
        services.AddSingleton<IApplicationStore>(sp => new MirroredApplicationStore(
            (IApplicationStore)(inner.ImplementationInstance ?? inner.ImplementationFactory?.Invoke(sp) ?? ActivatorUtilities.CreateInstance(sp, inner.ImplementationType!)),
            sp.GetRequiredService<IMirrorOutbox>(),
            sp.GetRequiredService<MirrorSignal>(),
            sp.GetRequiredService<ILogger<MirroredApplicationStore>>()));
    }
}

using Microsoft.Extensions.Options;
using Npgsql;

namespace HhFunctions.OwnDatabase;

/// <summary>
/// Sql__*: the user's own PostgreSQL (docs/own-database.md). Set Sql__ConnectionString (a secret: Key Vault
/// "Sql--ConnectionString") to mirror every vacancy and application into it; empty leaves the mirror off.
/// </summary>
public sealed class SqlOptions
{
    public const string SectionName = "Sql";

    /// <summary>An Npgsql connection string (Host=…;Username=…;Password=…;Database=…). Never logged or shown.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Rows per write to PostgreSQL (outbox drain and back-fill).</summary>
    public int BatchSize { get; set; } = 2000;

    /// <summary>The first wait after a failed write; doubled after each further failure up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(10);

    public bool Enabled => !string.IsNullOrWhiteSpace(ConnectionString);
}

/// <summary>Checks Sql__* without ever repeating the connection string (it holds a password).</summary>
public sealed class SqlOptionsValidator : IValidateOptions<SqlOptions>
{
    public ValidateOptionsResult Validate(string? name, SqlOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.BatchSize is < 1 or > 50_000)
        {
            return ValidateOptionsResult.Fail("Sql__BatchSize must be between 1 and 50000.");
        }

        if (options.RetryDelay <= TimeSpan.Zero || options.MaxRetryDelay < options.RetryDelay)
        {
            return ValidateOptionsResult.Fail("Sql__RetryDelay must be positive and Sql__MaxRetryDelay at least as long.");
        }

        return Describe(options.ConnectionString) is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
    }

    /// <summary>Null when the connection string is empty or usable; otherwise one line naming the problem, without its value.</summary>
    public static string? Describe(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return null;
        }

        return DescribeSet(connectionString);
    }

    /// <summary>A method of its own, so Npgsql loads only when a connection string is set (tests/startup-bench.sh).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static string? DescribeSet(string connectionString)
    {
        try
        {
            var parsed = new NpgsqlConnectionStringBuilder(connectionString);
            return string.IsNullOrWhiteSpace(parsed.Host)
                ? "Sql__ConnectionString names no server (Host=…); see docs/own-database.md."
                : null;
        }
        catch (ArgumentException)
        {
            return "Sql__ConnectionString is not a PostgreSQL connection string (an unknown key, or a value of the wrong kind such as a port that is not a number; expected Host=…;Username=…;Password=…;Database=…); see docs/own-database.md.";
        }
        catch (FormatException)
        {
            return "Sql__ConnectionString has a value of the wrong kind (a port or a timeout that is not a number?); see docs/own-database.md.";
        }
    }
}

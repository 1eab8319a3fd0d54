using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace HhFunctions.Tests.Infrastructure;

/// <summary>
/// Real PostgreSQL for tests: the throw-away server tests/run.sh starts (tests/postgres.sh) and exports as
/// HH_TEST_POSTGRES. Without it these tests fail, saying so: they never pass without a server. Each test gets a
/// database of its own.
/// </summary>
public static class Postgres
{
    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable("HH_TEST_POSTGRES") is { Length: > 0 } s
            ? s
            : throw new InvalidOperationException("HH_TEST_POSTGRES is not set: these tests need the PostgreSQL server that tests/run.sh starts (tests/postgres.sh). Run `bash tests/run.sh`, or start one with `source tests/postgres.sh && postgres_start`.");

    /// <summary>A new, empty database; its connection string.</summary>
    public static async Task<string> NewDatabaseAsync()
    {
        var name = "t" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(ServerConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = name, Pooling = false }.ConnectionString;
    }

    public static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public static async Task<List<object?[]>> RowsAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }
}

/// <summary>
/// A loopback TCP relay in front of the test server: "down" refuses and cuts every connection (the database went
/// away), "up" relays again. The app under test is given the relay's port.
/// </summary>
public sealed class PostgresRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _open = [];
    private readonly Lock _gate = new();
    private readonly Task _accepting;
    private volatile bool _down;

    public PostgresRelay(string connectionString)
    {
        _target = connectionString;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>The connection string, pointed at the relay.</summary>
    public string ConnectionString => new NpgsqlConnectionStringBuilder(_target)
    {
        Host = "127.0.0.1",
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port,
        Timeout = 3,
    }.ConnectionString;

    public void Down()
    {
        _down = true;
        lock (_gate)
        {
            foreach (var c in _open)
            {
                c.Dispose();
            }

            _open.Clear();
        }
    }

    public void Up() => _down = false;

    private async Task AcceptAsync()
    {
        var target = new NpgsqlConnectionStringBuilder(_target);
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            if (_down)
            {
                client.Client.LingerState = new LingerOption(true, 0);
                client.Dispose();
                continue;
            }

            _ = Task.Run(async () =>
            {
                using var server = new TcpClient();
                try
                {
                    await server.ConnectAsync(target.Host!, target.Port, _stop.Token);
                    lock (_gate)
                    {
                        _open.Add(client);
                        _open.Add(server);
                    }

                    var a = client.GetStream().CopyToAsync(server.GetStream(), _stop.Token);
                    var b = server.GetStream().CopyToAsync(client.GetStream(), _stop.Token);
                    await Task.WhenAny(a, b);
                }
#pragma warning disable CA1031 // a relay: any failure just ends this connection
                catch (Exception)
#pragma warning restore CA1031
                {
                }
                finally
                {
                    client.Dispose();
                }
            });
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Down();
        await _accepting;
        _stop.Dispose();
    }
}

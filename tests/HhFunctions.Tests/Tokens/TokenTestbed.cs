using HhFunctions.Composition;
using HhFunctions.Configuration;
using HhFunctions.HeadHunter;
using HhFunctions.OAuth;
using HhFunctions.State;
using HhFunctions.Telegram;
using HhFunctions.Testing;
using HhFunctions.Tokens;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Telegram.Bot;

namespace HhFunctions.Tests.Tokens;

/// <summary>
/// The token machinery of one or more app instances, wired by hand over shared fakes: one fake hh.ru and
/// Telegram, one fake clock, one vault file (behind a <see cref="ScriptedVault"/>), one state folder and one
/// lock. Each <see cref="CreateManager"/> call is an "instance"; the same instance name means the same
/// machine-local rescue file (a restart), a new <see cref="UnsavedTokenHolder"/> means a new process.
/// </summary>
internal sealed class TokenTestbed : IDisposable
{
    private readonly List<IDisposable> _disposables = [];

    public TokenTestbed(IDistributedLock? sharedLock = null)
    {
        Folder = Path.Combine(Path.GetTempPath(), "hhfunctions-tests", "tokens-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
        Time = FakeClock.Create();
        Hh = new FakeHhApi(Time);
        Telegram = new FakeTelegramApi();
        Network = new FakeNetwork(Hh, Telegram);
        Protection = new EphemeralDataProtectionProvider();
        FileVault = new FileTokenVault(Protection, Path.Combine(Folder, "secrets", "hh-token.bin"));
        Vault = new ScriptedVault(FileVault);
        State = new FileStateStore(new DataFolder(Folder));
        _disposables.Add(State);
        Lock = sharedLock ?? new FileDistributedLock(Path.Combine(Folder, "locks"), Time);
        HhOptions = new HhOptions { ClientId = FakeHhApi.ClientId, ClientSecret = FakeHhApi.ClientSecret, UserAgent = "HhFunctionsTests/1.0 (tests@example.com)" };
        Urls = new PublicUrls(Options.Create(new AppOptions { PublicBaseUrl = new Uri("https://hhfunctions.example") }), Options.Create(HhOptions), new ConfigurationBuilder().Build());
    }

    public string Folder { get; }

    public FakeTimeProvider Time { get; }

    public FakeHhApi Hh { get; }

    public FakeTelegramApi Telegram { get; }

    public FakeNetwork Network { get; }

    public IDataProtectionProvider Protection { get; }

    public FileTokenVault FileVault { get; }

    public ScriptedVault Vault { get; }

    public FileStateStore State { get; }

    public IDistributedLock Lock { get; }

    public HhOptions HhOptions { get; }

    public PublicUrls Urls { get; }

    public FakeLogCollector Logs { get; } = new();

    public List<string> TelegramTexts => Telegram.Messages.Select(m => m.Text).ToList();

    /// <summary>One app instance's <see cref="TokenManager"/>. Same <paramref name="instance"/> = same machine (rescue file).</summary>
    public TokenManager CreateManager(string instance = "a", UnsavedTokenHolder? unsaved = null, ITokenVault? vault = null, IDistributedLock? locks = null)
    {
        var rescuePath = RescuePath(instance);
        var rescue = new RescueTokenStore(new FileTokenVault(Protection, rescuePath), rescuePath, new FakeLogger<RescueTokenStore>(Logs));
        var state = (IStateStore)State;
        var links = new SetupLinks(state, Urls, Time);
        var alerts = new OwnerAlerts(CreateNotifier(), links);
        return new TokenManager(vault ?? Vault, rescue, locks ?? Lock, CreateTokenClient(), state, alerts, unsaved ?? new UnsavedTokenHolder(), Time, new FakeLogger<TokenManager>(Logs));
    }

    public string RescuePath(string instance = "a") => Path.Combine(Folder, instance, "rescue", "hh-token.bin");

    public RescueTokenStore Rescue(string instance = "a") =>
        new(new FileTokenVault(Protection, RescuePath(instance)), RescuePath(instance), new FakeLogger<RescueTokenStore>(Logs));

    public HhTokenClient CreateTokenClient() => new(CreateHttp(), Options.Create(HhOptions), Time);

    public HhClient CreateHhClient() => new(CreateHttp());

    /// <summary>An account connected earlier: a live pair at hh.ru, stored in the vault, account Connected.</summary>
    public async Task<TokenSet> SeedAsync(TimeSpan? storedExpiryShift = null)
    {
        var (access, refresh, expiresAt) = Hh.SeedTokens();
        var pair = new TokenSet(access, refresh, expiresAt + (storedExpiryShift ?? TimeSpan.Zero), Time.GetUtcNow());
        await FileVault.WriteAsync(pair, CancellationToken.None);
        await State.UpdateAccountAsync(a => a with
        {
            Status = AccountStatus.Connected,
            DisplayName = "Ivan Petrov",
            ConnectedAt = Time.GetUtcNow(),
            TokenExpiresAt = pair.ExpiresAt,
            TokenFingerprint = pair.Fingerprint,
        }, CancellationToken.None);
        return pair;
    }

    /// <summary>What hh.ru would say about this access token right now.</summary>
    public async Task<bool> WorksAtHhAsync(TokenSet pair)
    {
        try
        {
            await CreateHhClient().GetMeAsync(pair.AccessToken, CancellationToken.None);
            return true;
        }
        catch (HhApiException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        foreach (var d in _disposables)
        {
            d.Dispose();
        }

        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private HttpClient CreateHttp()
    {
        var http = new HttpClient(Network, disposeHandler: false);
        HhTokenClient.ConfigureHttpClient(http, HhOptions);
        _disposables.Add(http);
        return http;
    }

    private TelegramNotifier CreateNotifier()
    {
        var http = new HttpClient(Network, disposeHandler: false);
        _disposables.Add(http);
        var services = new ServiceCollection()
            .AddSingleton<ITelegramBotClient>(new TelegramBotClient(new TelegramBotClientOptions(FakeTelegramApi.BotToken), http))
            .BuildServiceProvider();
        _disposables.Add(services);
        var options = Options.Create(new TelegramOptions { BotToken = FakeTelegramApi.BotToken, ChatId = FakeTelegramApi.ChatId });
        return new TelegramNotifier(new Deferred<ITelegramBotClient>(services), options, new FakeLogger<TelegramNotifier>(Logs));
    }
}

/// <summary>A vault in front of the real file vault whose reads and writes can be made to fail, and which counts them.</summary>
internal sealed class ScriptedVault(ITokenVault inner) : ITokenVault
{
    private int _failWrites;
    private int _writeAttempts;
    private int _writes;
    private Func<Task>? _beforeNextWrite;

    public string Description => "the test vault";

    /// <summary>How many of the next writes fail (int.MaxValue: until reset).</summary>
    public int FailWrites
    {
        get => Volatile.Read(ref _failWrites);
        set => Volatile.Write(ref _failWrites, value);
    }

    public bool FailReads { get; set; }

    public int WriteAttempts => Volatile.Read(ref _writeAttempts);

    public int Writes => Volatile.Read(ref _writes);

    /// <summary>Thrown by failing writes, instead of the usual TokenVaultException (e.g. an Azure SDK exception).</summary>
    public Func<Exception>? WriteException { get; set; }

    /// <summary>Runs (once) before the next write reaches the vault, e.g. to hold a writer at that point.</summary>
    public Func<Task>? BeforeNextWrite
    {
        get => Volatile.Read(ref _beforeNextWrite);
        set => Volatile.Write(ref _beforeNextWrite, value);
    }

    public Task<TokenSet?> ReadAsync(CancellationToken ct) =>
        FailReads ? throw new TokenVaultException("The test vault is unreachable (HTTP 503).") : inner.ReadAsync(ct);

    public async Task WriteAsync(TokenSet tokens, CancellationToken ct)
    {
        Interlocked.Increment(ref _writeAttempts);
        if (Interlocked.Exchange(ref _beforeNextWrite, null) is { } hook)
        {
            await hook();
        }

        var remaining = Volatile.Read(ref _failWrites);
        if (remaining > 0)
        {
            if (remaining != int.MaxValue)
            {
                Interlocked.Decrement(ref _failWrites);
            }

            throw WriteException?.Invoke() ?? new TokenVaultException("The test vault refused the write (HTTP 403, Forbidden).");
        }

        await inner.WriteAsync(tokens, ct);
        Interlocked.Increment(ref _writes);
    }
}

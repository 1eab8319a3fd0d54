using HhFunctions.HeadHunter;

namespace HhFunctions.Tokens;

/// <summary>Process-wide holder of a pair hh.ru issued that the vault has not accepted yet (singleton).</summary>
public sealed class UnsavedTokenHolder
{
    private readonly Lock _gate = new();
    private TokenSet? _current;

    public TokenSet? Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    public void Hold(TokenSet tokens)
    {
        lock (_gate)
        {
            _current = tokens;
        }
    }

    /// <summary>Forgets the held pair once <paramref name="saved"/> (it, or a newer one) is in the vault.</summary>
    public void Clear(TokenSet saved)
    {
        ArgumentNullException.ThrowIfNull(saved);
        lock (_gate)
        {
            if (_current is null || _current.ObtainedAt <= saved.ObtainedAt)
            {
                _current = null;
            }
        }
    }
}

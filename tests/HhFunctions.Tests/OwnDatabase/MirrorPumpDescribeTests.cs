using System.Net.Sockets;
using HhFunctions.OwnDatabase;
using Npgsql;

namespace HhFunctions.Tests.OwnDatabase;

/// <summary>The status line a database failure becomes: which of them say "cannot be reached".</summary>
public sealed class MirrorPumpDescribeTests
{
    public static TheoryData<string, Exception> Unreachable => new()
    {
        { "connection refused", new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused)) },
        { "a pooled connection dropped mid-read", new NpgsqlException("Exception while reading from stream", new EndOfStreamException("Attempted to read past the end of the stream.")) },
        { "a pooled connection reset mid-write", new NpgsqlException("Exception while writing to stream", new IOException("Broken pipe")) },
    };

    [Theory]
    [MemberData(nameof(Unreachable))]
    public void Describe_ServerGoneOrConnectionBroken_SaysCannotBeReached(string why, Exception failure)
    {
        var line = MirrorPump.Describe(failure);

        Assert.True(line?.StartsWith("PostgreSQL cannot be reached", StringComparison.Ordinal) == true, $"{why}: {line}");
    }

    [Fact]
    public void Describe_OtherNpgsqlFailure_NamesItWithoutClaimingTheServerIsGone()
    {
        var line = MirrorPump.Describe(new NpgsqlException("The operation is not supported"));

        Assert.Equal("PostgreSQL could not be used: The operation is not supported", line);
    }
}

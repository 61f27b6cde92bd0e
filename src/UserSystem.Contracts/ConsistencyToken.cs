using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;

namespace UserSystem.Contracts;

/// <summary>
/// The <c>consistency-token</c> header: which database cluster (PostgreSQL's system identifier) and
/// how far into its WAL a client has seen. Opaque to applications (base64url of a version byte, the
/// identifier and the LSN, big-endian); the server and the client library read it. A read that
/// sends it never sees older data than that LSN. Part of the contract, like the messages.
/// </summary>
public readonly record struct ConsistencyToken(ulong SystemId, ulong Lsn)
{
    /// <summary>The gRPC metadata key and HTTP header (REST answers and accepts the same).</summary>
    public const string Header = "consistency-token";

    private const byte Version = 1;
    private const int Length = 1 + sizeof(ulong) + sizeof(ulong);

    public string Format()
    {
        Span<byte> bytes = stackalloc byte[Length];
        bytes[0] = Version;
        BinaryPrimitives.WriteUInt64BigEndian(bytes[1..], SystemId);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[(1 + sizeof(ulong))..], Lsn);
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>Reads a token <see cref="Format"/> wrote; false for anything else.</summary>
    public static bool TryParse(string? text, out ConsistencyToken token)
    {
        token = default;
        Span<byte> bytes = stackalloc byte[Length + 3];
        if (string.IsNullOrEmpty(text) || text.Length > 64
            // The OperationStatus form: TryDecodeFromChars throws on a character outside the alphabet.
            || Base64Url.DecodeFromChars(text, bytes, out _, out var written) != OperationStatus.Done || written != Length || bytes[0] != Version)
        {
            return false;
        }

        token = new ConsistencyToken(
            BinaryPrimitives.ReadUInt64BigEndian(bytes[1..]),
            BinaryPrimitives.ReadUInt64BigEndian(bytes[(1 + sizeof(ulong))..]));
        return true;
    }

    public override string ToString() => Format();
}

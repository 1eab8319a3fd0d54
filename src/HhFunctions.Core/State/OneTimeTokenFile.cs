using System.Text.Json;

namespace HhFunctions.State;

/// <summary>
/// The file store's one-time tokens file (one-time-tokens.json), read and written with <see cref="Utf8JsonReader"/> /
/// <see cref="Utf8JsonWriter"/> rather than the serializer: every status page view writes it, and the first view after a
/// start would otherwise pay for building the serializer's metadata and converters. The shape is the serializer's
/// (web defaults): an array of {"purpose", "value", "expiresAt", "usedAt"}, so files written before read unchanged.
/// </summary>
internal static class OneTimeTokenFile
{
    public static List<OneTimeToken> Parse(ReadOnlySpan<byte> json)
    {
        var tokens = new List<OneTimeToken>();
        if (json.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            json = json[3..]; // a byte order mark, as an editor may leave
        }

        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        if (!reader.Read() || reader.TokenType == JsonTokenType.Null)
        {
            return tokens;
        }

        Expect(ref reader, JsonTokenType.StartArray);
        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            Expect(ref reader, JsonTokenType.StartObject);
            string? purpose = null, value = null;
            DateTimeOffset? expiresAt = null, usedAt = null;
            while (Next(ref reader) != JsonTokenType.EndObject)
            {
                Expect(ref reader, JsonTokenType.PropertyName);
                var name = reader.GetString();
                Next(ref reader);
                if (reader.TokenType == JsonTokenType.Null)
                {
                    continue;
                }

                switch (name?.ToUpperInvariant())
                {
                    case "PURPOSE": purpose = reader.GetString(); break;
                    case "VALUE": value = reader.GetString(); break;
                    case "EXPIRESAT": expiresAt = reader.GetDateTimeOffset(); break;
                    case "USEDAT": usedAt = reader.GetDateTimeOffset(); break;
                    default: reader.Skip(); break; // a field this version does not know
                }
            }

            if (purpose is null || value is null || expiresAt is null)
            {
                throw new JsonException("A one-time token lacks its purpose, value or expiry.");
            }

            tokens.Add(new OneTimeToken(purpose, value, expiresAt.Value, usedAt));
        }

        return tokens;
    }

    public static byte[] Write(IReadOnlyList<OneTimeToken> tokens)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartArray();
            foreach (var t in tokens)
            {
                writer.WriteStartObject();
                writer.WriteString("purpose", t.Purpose);
                writer.WriteString("value", t.Value);
                writer.WriteString("expiresAt", t.ExpiresAt);
                if (t.UsedAt is { } used)
                {
                    writer.WriteString("usedAt", used);
                }
                else
                {
                    writer.WriteNull("usedAt");
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return buffer.ToArray();
    }

    private static JsonTokenType Next(ref Utf8JsonReader reader) =>
        reader.Read() ? reader.TokenType : throw new JsonException("The one-time tokens file ends early.");

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type)
    {
        if (reader.TokenType != type)
        {
            throw new JsonException($"The one-time tokens file has {reader.TokenType} where {type} belongs.");
        }
    }
}

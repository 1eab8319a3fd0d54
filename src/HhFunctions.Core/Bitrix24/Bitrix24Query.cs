using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace HhFunctions.Bitrix24;

/// <summary>
/// A batch command's parameters in the PHP query-string form <c>batch</c> wants (../shared/bitrix24-api.md §5):
/// nested objects as <c>filter[originId]=…</c>, arrays of plain values as <c>values[]=…</c>, arrays of objects by
/// index (<c>fields[fm][0][value]=…</c>). Names and values are URL-encoded (a <c>=</c> filter prefix becomes
/// <c>%3D</c>); a value that is exactly a reference to an earlier command's answer (<c>$result[add][item][id]</c>) is
/// left as written, so the portal substitutes it whether it does so before or after decoding.
/// </summary>
public static partial class Bitrix24Query
{
    /// <summary><c>method?a=1&amp;b[c]=2</c>, or just the method when there are no parameters.</summary>
    public static string Command(string method, JsonObject parameters)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        var query = Encode(parameters);
        return query.Length == 0 ? method : method + "?" + query;
    }

    public static string Encode(JsonObject parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var parts = new List<string>();
        foreach (var (name, value) in parameters)
        {
            Append(parts, Uri.EscapeDataString(name), value);
        }

        return string.Join('&', parts);
    }

    private static void Append(List<string> parts, string key, JsonNode? node)
    {
        switch (node)
        {
            case null:
                return; // as PHP's http_build_query: a null parameter is left out
            case JsonObject obj:
                foreach (var (name, value) in obj)
                {
                    Append(parts, key + "[" + Uri.EscapeDataString(name) + "]", value);
                }

                break;
            case JsonArray array:
                var plain = array.All(v => v is JsonValue);
                for (var i = 0; i < array.Count; i++)
                {
                    Append(parts, key + (plain ? "[]" : "[" + i.ToString(CultureInfo.InvariantCulture) + "]"), array[i]);
                }

                break;
            case JsonValue value:
                parts.Add(key + "=" + EncodeValue(value));
                break;
            default:
                throw new ArgumentException("Unsupported JSON node in batch parameters.", nameof(node));
        }
    }

    private static string EncodeValue(JsonValue value)
    {
        var text = value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.True => "1", // http_build_query's booleans
            JsonValueKind.False => "0",
            _ => value.ToJsonString(),
        };
        return Reference().IsMatch(text) ? text : Uri.EscapeDataString(text);
    }

    /// <summary>Splits <c>method?query</c> (a batch command) back into the method and its query (empty when none).</summary>
    public static (string Method, string Query) Split(string command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var q = command.IndexOf('?', StringComparison.Ordinal);
        return q < 0 ? (command, string.Empty) : (command[..q], command[(q + 1)..]);
    }

    [GeneratedRegex(@"^\$result\[[^\[\]]+\](\[[^\[\]]*\])*$")]
    private static partial Regex Reference();
}

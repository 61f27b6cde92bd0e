using System.Text;
using System.Text.RegularExpressions;

namespace UserSystem.Server.Rpc;

/// <summary>A request field's path in its two spellings, and the reason code of a violation.</summary>
public static partial class FieldNames
{
    /// <summary><c>user.update_mask[0]</c> becomes <c>user.updateMask[0]</c>: proto3 JSON's lowerCamelCase, per segment.</summary>
    public static string ToJsonPath(string protoPath)
    {
        var json = new StringBuilder(protoPath.Length);
        var upperNext = false;
        foreach (var character in protoPath)
        {
            if (character == '_')
            {
                upperNext = true;
                continue;
            }

            json.Append(upperNext ? char.ToUpperInvariant(character) : character);
            upperNext = false;
        }

        return json.ToString();
    }

    /// <summary>Every snake_case field name in <paramref name="text"/> (a message or description) in its JSON spelling.</summary>
    public static string ToJsonNames(string text) => SnakeCaseName().Replace(text, match => ToJsonPath(match.Value));

    [GeneratedRegex(@"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")]
    private static partial Regex SnakeCaseName();

    /// <summary>
    /// The reason of a violation of <paramref name="path"/> (either spelling): <c>INVALID_</c> and
    /// the field's own name in UPPER_SNAKE_CASE, e.g. <c>user.hobbies[1]</c> gives <c>INVALID_HOBBIES</c>.
    /// </summary>
    public static string ReasonFor(string path)
    {
        var name = path.Split('.')[^1].Split('[')[0];
        var reason = new StringBuilder("INVALID_", 8 + name.Length + 4);
        foreach (var character in name)
        {
            if (char.IsUpper(character))
            {
                reason.Append('_');
            }

            reason.Append(char.ToUpperInvariant(character));
        }

        return reason.ToString();
    }
}

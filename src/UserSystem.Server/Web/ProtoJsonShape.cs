using System.Globalization;
using System.Text.Json;
using Google.Protobuf.Reflection;
using UserSystem.Validation;

namespace UserSystem.Server.Web;

/// <summary>
/// Checks REST input against the proto message it will be parsed into, before JSON transcoding
/// parses it: a value of the wrong kind is named by its JSON field path, in a sentence without
/// .NET type names or parser internals. Fields the message does not have are left alone (the
/// transcoder ignores them too).
/// </summary>
public static class ProtoJsonShape
{
    /// <summary>Every field of <paramref name="element"/> whose value cannot be a <paramref name="message"/> field's value.</summary>
    public static List<FieldViolation> Check(JsonElement element, MessageDescriptor message, string path = "")
    {
        var violations = new List<FieldViolation>();
        if (element.ValueKind != JsonValueKind.Object)
        {
            violations.Add(new FieldViolation(path.Length == 0 ? "body" : path, $"must be a JSON object (got {Describe(element)})"));
            return violations;
        }

        foreach (var property in element.EnumerateObject())
        {
            if (FindField(message, property.Name) is { } field)
            {
                CheckField(property.Value, field, Join(path, field.JsonName), violations);
            }
        }

        return violations;
    }

    /// <summary>A query or route value (text) for <paramref name="field"/>: null when it parses, else what is wrong.</summary>
    public static string? CheckText(string value, FieldDescriptor field) => field.FieldType switch
    {
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _) ? null : $"must be a whole number (got '{value}')",
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _) ? null : $"must be a whole number (got '{value}')",
        FieldType.UInt32 or FieldType.Fixed32 => uint.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _) ? null : $"must be a whole number, 0 or more (got '{value}')",
        FieldType.UInt64 or FieldType.Fixed64 => ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _) ? null : $"must be a whole number, 0 or more (got '{value}')",
        FieldType.Bool => value is "true" or "false" ? null : $"must be true or false (got '{value}')",
        FieldType.Double or FieldType.Float => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? null : $"must be a number (got '{value}')",
        FieldType.Enum => IsEnumValue(field.EnumType, value) ? null : $"must be one of {EnumNames(field.EnumType)} (got '{value}')",
        _ => null,
    };

    /// <summary>The field named <paramref name="name"/> in JSON (lowerCamelCase) or proto (snake_case) form.</summary>
    public static FieldDescriptor? FindField(MessageDescriptor message, string name) =>
        message.Fields.InDeclarationOrder().FirstOrDefault(field => field.JsonName == name || field.Name == name);

    private static void CheckField(JsonElement value, FieldDescriptor field, string path, List<FieldViolation> violations)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return; // proto3 JSON: null is the field's default
        }

        if (field.IsRepeated)
        {
            if (value.ValueKind != JsonValueKind.Array)
            {
                violations.Add(new FieldViolation(path, $"must be a JSON array (got {Describe(value)})"));
                return;
            }

            var index = 0;
            foreach (var item in value.EnumerateArray())
            {
                CheckSingle(item, field, $"{path}[{index++}]", violations);
            }

            return;
        }

        CheckSingle(value, field, path, violations);
    }

    private static void CheckSingle(JsonElement value, FieldDescriptor field, string path, List<FieldViolation> violations)
    {
        string? problem = field.FieldType switch
        {
            FieldType.String => value.ValueKind == JsonValueKind.String ? null : $"must be a JSON string (got {Describe(value)})",
            FieldType.Bool => value.ValueKind is JsonValueKind.True or JsonValueKind.False ? null : $"must be true or false (got {Describe(value)})",
            FieldType.Enum => value.ValueKind switch
            {
                JsonValueKind.String when IsEnumValue(field.EnumType, value.GetString()!) => null,
                JsonValueKind.Number when value.TryGetInt32(out var number) && field.EnumType.FindValueByNumber(number) is not null => null,
                _ => $"must be one of {EnumNames(field.EnumType)} (got {Describe(value)})",
            },
            FieldType.Message when IsWellKnownString(field.MessageType) => value.ValueKind == JsonValueKind.String ? null : $"must be a JSON string (got {Describe(value)})",
            FieldType.Message => null,
            FieldType.Double or FieldType.Float => value.ValueKind == JsonValueKind.Number || value.ValueKind == JsonValueKind.String && CheckText(value.GetString()!, field) is null
                ? null : $"must be a number (got {Describe(value)})",
            FieldType.Bytes => value.ValueKind == JsonValueKind.String ? null : $"must be a base64 JSON string (got {Describe(value)})",
            _ => CheckInteger(value, field),
        };
        if (problem is not null)
        {
            violations.Add(new FieldViolation(path, problem));
        }
        else if (field.FieldType == FieldType.Message && !IsWellKnownString(field.MessageType))
        {
            violations.AddRange(Check(value, field.MessageType, path));
        }
    }

    // proto3 JSON writes 64-bit integers as strings and accepts either form for every integer.
    private static string? CheckInteger(JsonElement value, FieldDescriptor field) => value.ValueKind switch
    {
        JsonValueKind.Number => CheckText(value.GetRawText(), field) is null ? null : $"must be a whole number in range (got {value.GetRawText()})",
        JsonValueKind.String => CheckText(value.GetString()!, field),
        _ => $"must be a whole number (got {Describe(value)})",
    };

    private static bool IsWellKnownString(MessageDescriptor message) =>
        message.FullName is "google.protobuf.Timestamp" or "google.protobuf.Duration" or "google.protobuf.FieldMask";

    private static bool IsEnumValue(EnumDescriptor type, string value) =>
        type.FindValueByName(value) is not null
        || int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) && type.FindValueByNumber(number) is not null;

    private static string EnumNames(EnumDescriptor type) => string.Join(", ", type.Values.Select(value => value.Name));

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"\"{Shorten(value.GetString()!)}\"",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        _ => Shorten(value.GetRawText()),
    };

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";
}

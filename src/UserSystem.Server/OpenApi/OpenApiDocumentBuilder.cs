using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Google.Api;
using Google.Protobuf.Reflection;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;

namespace UserSystem.Server.OpenApi;

/// <summary>
/// Builds an OpenAPI 3.0 document for the REST surface from the proto descriptors: one operation
/// per <c>google.api.http</c> binding, the same routes JSON transcoding serves, and a schema per
/// message in proto JSON form (lowerCamelCase names, enums as names, 64-bit integers as strings).
/// Reading the compiled descriptors keeps the document true to the proto without a build step.
/// </summary>
public static partial class OpenApiDocumentBuilder
{
    private const string StatusSchema = "google.rpc.Status";
    private const string BearerScheme = "bearerAuth";

    public static JsonObject Build(string title, string version, params ServiceDescriptor[] services)
    {
        var paths = new JsonObject();
        var schemas = new SortedDictionary<string, JsonNode>(StringComparer.Ordinal);
        var document = new JsonObject
        {
            ["openapi"] = "3.0.3",
            ["info"] = new JsonObject
            {
                ["title"] = title,
                ["version"] = version,
                ["description"] = "REST/JSON transcoding of the gRPC services (generated from the proto's google.api.http annotations).",
            },
            ["paths"] = paths,
        };

        foreach (var service in services)
        {
            foreach (var method in service.Methods)
            {
                if (method.GetOptions()?.GetExtension(AnnotationsExtensions.Http) is not { } rule)
                {
                    continue; // Not annotated: gRPC only (client and bidirectional streaming have no REST form).
                }

                foreach (var binding in new[] { rule }.Concat(rule.AdditionalBindings))
                {
                    AddOperation(paths, schemas, service, method, binding);
                }
            }
        }

        schemas[StatusSchema] = StatusSchemaNode();
        var components = new JsonObject();
        foreach (var (name, schema) in schemas)
        {
            components[name] = schema;
        }

        document["components"] = new JsonObject
        {
            ["schemas"] = components,
            ["securitySchemes"] = new JsonObject
            {
                // Required when the server runs with Auth:Mode=Jwt; ignored with Auth:Mode=None.
                [BearerScheme] = new JsonObject { ["type"] = "http", ["scheme"] = "bearer", ["bearerFormat"] = "JWT" },
            },
        };
        document["security"] = new JsonArray(new JsonObject { [BearerScheme] = new JsonArray() });
        return document;
    }

    private static void AddOperation(JsonObject paths, IDictionary<string, JsonNode> schemas, ServiceDescriptor service, MethodDescriptor method, HttpRule binding)
    {
        var (verb, template) = binding.PatternCase switch
        {
            HttpRule.PatternOneofCase.Get => ("get", binding.Get),
            HttpRule.PatternOneofCase.Post => ("post", binding.Post),
            HttpRule.PatternOneofCase.Put => ("put", binding.Put),
            HttpRule.PatternOneofCase.Patch => ("patch", binding.Patch),
            HttpRule.PatternOneofCase.Delete => ("delete", binding.Delete),
            HttpRule.PatternOneofCase.Custom => (binding.Custom.Kind.ToLowerInvariant(), binding.Custom.Path),
            _ => throw new InvalidOperationException($"{method.FullName} has a google.api.http rule without a pattern."),
        };

        var routeFields = RouteVariable().Matches(template).Select(match => match.Groups[1].Value).ToList();
        var path = RouteVariable().Replace(template, "{$1}");
        var parameters = new JsonArray();
        foreach (var fieldPath in routeFields)
        {
            parameters.Add(new JsonObject
            {
                ["name"] = fieldPath,
                ["in"] = "path",
                ["required"] = true,
                ["schema"] = FieldSchema(ResolveField(method.InputType, fieldPath), schemas),
            });
        }

        var operation = new JsonObject
        {
            ["operationId"] = $"{service.Name}_{method.Name}",
            ["tags"] = new JsonArray(service.Name),
            ["summary"] = $"{service.FullName}.{method.Name}",
        };

        if (binding.Body == "*")
        {
            operation["requestBody"] = JsonBody(SchemaRef(method.InputType, schemas), required: true);
        }
        else if (binding.Body.Length > 0)
        {
            operation["requestBody"] = JsonBody(FieldSchema(ResolveField(method.InputType, binding.Body), schemas), required: true);
        }

        if (binding.Body != "*")
        {
            // Every other top-level field may be given in the query string (JSON or proto name).
            var bound = new HashSet<string>(routeFields.Select(field => field.Split('.')[0]), StringComparer.Ordinal) { binding.Body };
            foreach (var field in method.InputType.Fields.InFieldNumberOrder().Where(field => !bound.Contains(field.Name)))
            {
                if (field.FieldType == FieldType.Message && !IsQueryWellKnown(field.MessageType))
                {
                    continue;
                }

                parameters.Add(new JsonObject
                {
                    ["name"] = field.JsonName,
                    ["in"] = "query",
                    ["required"] = false,
                    ["schema"] = FieldSchema(field, schemas),
                });
            }
        }

        if (parameters.Count > 0)
        {
            operation["parameters"] = parameters;
        }

        var output = binding.ResponseBody.Length > 0
            ? FieldSchema(ResolveField(method.OutputType, binding.ResponseBody), schemas)
            : SchemaRef(method.OutputType, schemas);
        var success = JsonBody(output, required: null);
        success["description"] = method.IsServerStreaming
            ? "A stream of messages as newline-delimited JSON (one JSON object per line), sent as they are produced."
            : "OK";
        var error = JsonBody(new JsonObject { ["$ref"] = $"#/components/schemas/{StatusSchema}" }, required: null);
        error["description"] = "The gRPC status as JSON, with the HTTP status JSON transcoding maps it to (400, 401, 403, 404, 409, 429, 500, 503...). INVALID_ARGUMENT carries google.rpc.BadRequest field violations in details.";
        operation["responses"] = new JsonObject { ["200"] = success, ["default"] = error };

        if (paths[path] is not JsonObject item)
        {
            item = new JsonObject();
            paths[path] = item;
        }

        item[verb] = operation;
    }

    private static JsonObject JsonBody(JsonNode schema, bool? required)
    {
        var body = new JsonObject
        {
            ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = schema } },
        };
        if (required is { } value)
        {
            body["required"] = value;
        }

        return body;
    }

    private static FieldDescriptor ResolveField(MessageDescriptor message, string fieldPath)
    {
        FieldDescriptor? field = null;
        foreach (var name in fieldPath.Split('.'))
        {
            field = message.FindFieldByName(name)
                ?? throw new InvalidOperationException($"google.api.http names '{fieldPath}', which {message.FullName} does not have.");
            if (field.FieldType == FieldType.Message)
            {
                message = field.MessageType;
            }
        }

        return field ?? throw new InvalidOperationException("An empty field path in a google.api.http rule.");
    }

    private static JsonObject FieldSchema(FieldDescriptor field, IDictionary<string, JsonNode> schemas)
    {
        if (field.IsMap)
        {
            var value = field.MessageType.FindFieldByNumber(2);
            return new JsonObject { ["type"] = "object", ["additionalProperties"] = SingleSchema(value, schemas) };
        }

        return field.IsRepeated
            ? new JsonObject { ["type"] = "array", ["items"] = SingleSchema(field, schemas) }
            : SingleSchema(field, schemas);
    }

    private static JsonObject SingleSchema(FieldDescriptor field, IDictionary<string, JsonNode> schemas) => field.FieldType switch
    {
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => Scalar("integer", "int32"),
        FieldType.UInt32 or FieldType.Fixed32 => Scalar("integer", "int64"),
        // Proto JSON writes 64-bit integers as strings, so JavaScript keeps every digit.
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => Scalar("string", "int64"),
        FieldType.UInt64 or FieldType.Fixed64 => Scalar("string", "uint64"),
        FieldType.Double => Scalar("number", "double"),
        FieldType.Float => Scalar("number", "float"),
        FieldType.Bool => Scalar("boolean", null),
        FieldType.String => Scalar("string", null),
        FieldType.Bytes => Scalar("string", "byte"),
        FieldType.Enum => EnumRef(field.EnumType, schemas),
        _ => SchemaRef(field.MessageType, schemas),
    };

    private static JsonObject Scalar(string type, string? format)
    {
        var schema = new JsonObject { ["type"] = type };
        if (format is not null)
        {
            schema["format"] = format;
        }

        return schema;
    }

    private static bool IsQueryWellKnown(MessageDescriptor message) =>
        message.FullName is "google.protobuf.Timestamp" or "google.protobuf.Duration" or "google.protobuf.FieldMask"
        || message.FullName.StartsWith("google.protobuf.", StringComparison.Ordinal) && message.Name.EndsWith("Value", StringComparison.Ordinal) && message.Name != "Value";

    private static JsonObject EnumRef(EnumDescriptor enumeration, IDictionary<string, JsonNode> schemas)
    {
        if (!schemas.ContainsKey(enumeration.FullName))
        {
            schemas[enumeration.FullName] = new JsonObject
            {
                ["type"] = "string",
                ["enum"] = new JsonArray(enumeration.Values.Select(value => (JsonNode)JsonValue.Create(value.Name)!).ToArray()),
            };
        }

        return new JsonObject { ["$ref"] = $"#/components/schemas/{enumeration.FullName}" };
    }

    private static JsonObject SchemaRef(MessageDescriptor message, IDictionary<string, JsonNode> schemas)
    {
        if (WellKnownSchema(message) is { } wellKnown)
        {
            return wellKnown;
        }

        if (!schemas.ContainsKey(message.FullName))
        {
            var properties = new JsonObject();
            var schema = new JsonObject { ["type"] = "object", ["properties"] = properties };
            schemas[message.FullName] = schema; // Registered before the fields, so recursive messages end.
            foreach (var field in message.Fields.InFieldNumberOrder())
            {
                properties[field.JsonName] = FieldSchema(field, schemas);
            }
        }

        return new JsonObject { ["$ref"] = $"#/components/schemas/{message.FullName}" };
    }

    // Well-known types have their own JSON forms (proto3 JSON mapping).
    private static JsonObject? WellKnownSchema(MessageDescriptor message) => message.FullName switch
    {
        "google.protobuf.Timestamp" => Scalar("string", "date-time"),
        "google.protobuf.Duration" => new JsonObject { ["type"] = "string", ["example"] = "1.5s" },
        "google.protobuf.FieldMask" => new JsonObject { ["type"] = "string", ["description"] = "Comma-separated field paths, e.g. \"name,email\"." },
        "google.protobuf.Empty" => new JsonObject { ["type"] = "object" },
        "google.protobuf.Struct" => new JsonObject { ["type"] = "object", ["additionalProperties"] = true },
        "google.protobuf.Value" or "google.protobuf.ListValue" => new JsonObject(),
        "google.protobuf.Int64Value" or "google.protobuf.UInt64Value" => Scalar("string", "int64"),
        "google.protobuf.Int32Value" or "google.protobuf.UInt32Value" => Scalar("integer", "int32"),
        "google.protobuf.StringValue" => Scalar("string", null),
        "google.protobuf.BoolValue" => Scalar("boolean", null),
        "google.protobuf.DoubleValue" or "google.protobuf.FloatValue" => Scalar("number", null),
        "google.protobuf.BytesValue" => Scalar("string", "byte"),
        _ => null,
    };

    private static JsonObject StatusSchemaNode() => new()
    {
        ["type"] = "object",
        ["description"] = "A gRPC status (google.rpc.Status) in proto JSON form.",
        ["properties"] = new JsonObject
        {
            ["code"] = new JsonObject { ["type"] = "integer", ["format"] = "int32", ["description"] = "The gRPC status code (3 INVALID_ARGUMENT, 5 NOT_FOUND, ...)." },
            ["message"] = Scalar("string", null),
            ["details"] = new JsonObject
            {
                ["type"] = "array",
                ["items"] = new JsonObject
                {
                    ["type"] = "object",
                    ["description"] = "A google.protobuf.Any: \"@type\" names the detail, e.g. type.googleapis.com/google.rpc.BadRequest with fieldViolations [{field, description}].",
                    ["properties"] = new JsonObject { ["@type"] = Scalar("string", null) },
                    ["additionalProperties"] = true,
                },
            },
        },
    };

    // {field} or {field=pattern/*}: OpenAPI knows only {name}.
    [GeneratedRegex(@"\{([A-Za-z0-9_.]+)(?:=[^}]*)?\}")]
    private static partial Regex RouteVariable();
}

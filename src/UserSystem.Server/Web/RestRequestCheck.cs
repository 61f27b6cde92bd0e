using System.Text.Encodings.Web;
using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using UserSystem.Server.Rpc;
using UserSystem.Validation;

namespace UserSystem.Server.Web;

/// <summary>
/// REST input checked before JSON transcoding parses it, so a mistake is answered the way a REST
/// caller reads it: <c>INVALID_ARGUMENT</c> naming each field in its JSON spelling, with a
/// sentence instead of the parser's (which names .NET types such as <c>System.Int32</c>). Also
/// AIP-134's implied mask: a PATCH without <c>updateMask</c> updates the fields its body has.
/// </summary>
internal sealed class RestRequestCheck(RequestDelegate next)
{
    private static readonly JsonFormatter StatusJson = new(new JsonFormatter.Settings(formatDefaultValues: false,
        TypeRegistry.FromFiles(Google.Rpc.ErrorDetailsReflection.Descriptor)));

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.RestRoute() is not { } route)
        {
            await next(context);
            return;
        }

        var input = route.MethodDescriptor.InputType;
        var violations = CheckRouteAndQuery(context.Request, input);
        if (route.HttpRule.Body is { Length: > 0 } bodyField && context.Request.HasJsonContentType())
        {
            violations.AddRange(await CheckBodyAsync(context, input, bodyField));
        }

        if (violations.Count > 0)
        {
            await WriteInvalidAsync(context, violations);
            return;
        }

        await next(context);
    }

    private static List<FieldViolation> CheckRouteAndQuery(HttpRequest request, MessageDescriptor input)
    {
        var violations = new List<FieldViolation>();
        foreach (var (name, value) in request.RouteValues)
        {
            if (value is string text && FindPath(input, name) is { } field && ProtoJsonShape.CheckText(text, field) is { } problem)
            {
                violations.Add(new FieldViolation(FieldNames.ToJsonPath(name), problem));
            }
        }

        foreach (var (name, values) in request.Query)
        {
            if (FindPath(input, name) is not { IsRepeated: false } field)
            {
                continue;
            }

            foreach (var text in values.OfType<string>())
            {
                if (ProtoJsonShape.CheckText(text, field) is { } problem)
                {
                    violations.Add(new FieldViolation(FieldNames.ToJsonPath(name), problem));
                }
            }
        }

        return violations;
    }

    private static async Task<List<FieldViolation>> CheckBodyAsync(HttpContext context, MessageDescriptor input, string bodyField)
    {
        var (descriptor, path) = bodyField == "*"
            ? (input, "")
            : (ProtoJsonShape.FindField(input, bodyField)!.MessageType, FieldNames.ToJsonPath(bodyField));
        var request = context.Request;
        request.EnableBuffering();
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, cancellationToken: context.RequestAborted);
        }
        catch (JsonException exception)
        {
            return [new FieldViolation("body", $"is not valid JSON (line {exception.LineNumber + 1}, byte {exception.BytePositionInLine + 1})")];
        }
        finally
        {
            request.Body.Position = 0;
        }

        using (document)
        {
            var violations = ProtoJsonShape.Check(document.RootElement, descriptor, path);
            if (violations.Count == 0 && HttpMethods.IsPatch(request.Method) && ImpliedUpdateMask(request, input, document.RootElement, descriptor) is { } mask)
            {
                request.QueryString = request.QueryString.Add("updateMask", mask);
            }

            return violations;
        }
    }

    // AIP-134: without a mask, the fields present in the body are the ones to change (only
    // fields an update may change; server-owned ones such as etag or status are not part of it).
    private static string? ImpliedUpdateMask(HttpRequest request, MessageDescriptor input, JsonElement body, MessageDescriptor bodyMessage)
    {
        if (input.FindFieldByName("update_mask") is null || request.Query.ContainsKey("updateMask") || request.Query.ContainsKey("update_mask"))
        {
            return null;
        }

        var present = body.EnumerateObject()
            .Select(property => ProtoJsonShape.FindField(bodyMessage, property.Name)?.Name)
            .Where(name => name is not null && UserUpdateRequests.UpdatablePaths.Contains(name))
            .ToArray();
        return present.Length == 0 ? null : string.Join(',', present);
    }

    // A route or query name is a field path ("user.id", "statusFilter"), in either spelling.
    private static FieldDescriptor? FindPath(MessageDescriptor message, string path)
    {
        FieldDescriptor? field = null;
        foreach (var segment in path.Split('.'))
        {
            if (field is not null)
            {
                if (field.FieldType != FieldType.Message)
                {
                    return null;
                }

                message = field.MessageType;
            }

            field = ProtoJsonShape.FindField(message, segment);
            if (field is null)
            {
                return null;
            }
        }

        return field;
    }

    private static async Task WriteInvalidAsync(HttpContext context, List<FieldViolation> violations)
    {
        var message = "Invalid request: " + string.Join("; ", violations.Select(violation => $"{violation.Field} {violation.Description}"));
        var status = DomainErrorMapper.BadRequestStatus(message, violations, jsonFieldNames: true);
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        context.Response.ContentType = "application/json; charset=utf-8";
        // Compact, as the transcoder writes its own error bodies.
        using var formatted = JsonDocument.Parse(StatusJson.Format(status));
        await using var writer = new Utf8JsonWriter(context.Response.Body, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        formatted.WriteTo(writer);
    }
}

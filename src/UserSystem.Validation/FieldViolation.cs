namespace UserSystem.Validation;

/// <summary>One invalid field: its path in the request (proto field names) and why.</summary>
public sealed record FieldViolation(string Field, string Description);

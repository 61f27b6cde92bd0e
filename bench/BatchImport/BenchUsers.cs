using System.Globalization;
using UserSystem.Contracts;

namespace UserSystem.Bench.BatchImport;

/// <summary>The benchmark's rows: the same users for the gRPC batch and for the psql \copy file.</summary>
internal static class BenchUsers
{
    public static CreateUserRequest Request(string run, int i) => new()
    {
        Name = Name(i),
        Email = Email(run, i),
        Age = i % 100,
        Hobbies = { "reading", "chess" },
    };

    /// <summary>One CSV line for <c>\copy users (name, email, email_key, age, hobbies, status, created_at, updated_at) ... CSV</c>.</summary>
    public static string CsvLine(string run, int i, string now)
    {
        var email = Email(run, i);
        return string.Create(CultureInfo.InvariantCulture, $"{Name(i)},{email},{email.ToUpperInvariant()},{i % 100},\"{{reading,chess}}\",1,{now},{now}");
    }

    private static string Name(int i) => string.Create(CultureInfo.InvariantCulture, $"Bench User {i}");

    private static string Email(string run, int i) => string.Create(CultureInfo.InvariantCulture, $"bench-{run}-{i}@example.com");
}

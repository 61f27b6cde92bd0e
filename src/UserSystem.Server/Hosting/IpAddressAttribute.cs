using System.ComponentModel.DataAnnotations;
using System.Net;

namespace UserSystem.Server.Hosting;

/// <summary>The value is an IPv4 or IPv6 address (e.g. <c>127.0.0.1</c>, <c>0.0.0.0</c>, <c>::1</c>).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class IpAddressAttribute : ValidationAttribute
{
    public IpAddressAttribute()
        : base("The field {0} is not an IP address (e.g. 127.0.0.1 or 0.0.0.0).")
    {
    }

    public override bool IsValid(object? value) => value is string text && IPAddress.TryParse(text, out _);
}

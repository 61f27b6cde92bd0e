using System.Globalization;
using Grpc.Core;
using UserSystem.Client;
using UserSystem.Contracts;

// Usage: Failover <address>...
// The service's write probe: one writer creating users through the client library (its own
// retries on UNAVAILABLE included), each create with a request_id, sent again with the same one
// until answered. Prints the Unix time in milliseconds of every acknowledged create, one a line,
// until stdin closes or the process is stopped; run.sh takes the longest gap per fault.
var options = new UserSystemClientOptions { MaxAttempts = 5 };
foreach (var address in args)
{
    options.Addresses.Add(new Uri(address));
}

using var channel = UserSystemChannelFactory.Create(options);
var client = new UserService.UserServiceClient(channel);
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel();
var run = Guid.NewGuid().ToString("N")[..8];
for (var i = 1; !stop.IsCancellationRequested; i++)
{
    var request = new CreateUserRequest { Name = "Probe", Email = $"probe-{run}-{i}@example.com", Age = 30, RequestId = Guid.NewGuid().ToString() };
    while (!stop.IsCancellationRequested)
    {
        try
        {
            await client.CreateUserAsync(request, deadline: DateTime.UtcNow.AddSeconds(5));
            Console.WriteLine(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
            break;
        }
        catch (RpcException exception)
        {
            await Console.Error.WriteLineAsync($"{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()} {exception.StatusCode}: {exception.Status.Detail}");
            await Task.Delay(50);
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using Grpc.Net.Client;
using UserSystem.Bench.BatchImport;
using UserSystem.Contracts;

// Usage:
//   BatchImport grpc <address> <count> <server-pid> [token]
//                                                      stream <count> users in one CreateBatchUsers
//                                                      (with "authorization: Bearer <token>" if given)
//   BatchImport csv <file> <count>                     write the same users as CSV for psql \copy
// Each run uses a fresh email prefix, so runs never collide.
if (args is ["grpc", var address, var countText, var pidText, ..] && args.Length <= 5)
{
    var headers = args.Length == 5 ? new Grpc.Core.Metadata { { "authorization", "Bearer " + args[4] } } : null;
    var count = int.Parse(countText, CultureInfo.InvariantCulture);
    var pid = int.Parse(pidText, CultureInfo.InvariantCulture);
    var run = Guid.NewGuid().ToString("N")[..8];
    using var channel = GrpcChannel.ForAddress(address);
    var client = new UserService.UserServiceClient(channel);
    var before = ProcStatus.Read(pid);
    var watch = Stopwatch.StartNew();
    using var call = client.CreateBatchUsers(headers);
    for (var i = 1; i <= count; i++)
    {
        await call.RequestStream.WriteAsync(BenchUsers.Request(run, i));
    }

    await call.RequestStream.CompleteAsync();
    var response = await call.ResponseAsync;
    watch.Stop();
    var after = ProcStatus.Read(pid);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
        CreateBatchUsers: {response.Message}, ids {response.CreatedIds[0].First}-{response.CreatedIds[^1].Last}
        wall time: {watch.Elapsed.TotalSeconds:0.00} s ({count / watch.Elapsed.TotalSeconds:0} users/s)
        server VmRSS before: {before.RssKb / 1024.0:0.0} MiB, VmHWM before: {before.HwmKb / 1024.0:0.0} MiB
        server VmRSS after:  {after.RssKb / 1024.0:0.0} MiB, VmHWM after (peak over the server's life): {after.HwmKb / 1024.0:0.0} MiB
        """));
    return 0;
}

if (args is ["csv", var file, var csvCountText])
{
    var count = int.Parse(csvCountText, CultureInfo.InvariantCulture);
    var run = Guid.NewGuid().ToString("N")[..8];
    var now = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
    await using var writer = new StreamWriter(file);
    for (var i = 1; i <= count; i++)
    {
        await writer.WriteLineAsync(BenchUsers.CsvLine(run, i, now));
    }

    return 0;
}

await Console.Error.WriteLineAsync("usage: BatchImport grpc <address> <count> <server-pid> | BatchImport csv <file> <count>");
return 2;

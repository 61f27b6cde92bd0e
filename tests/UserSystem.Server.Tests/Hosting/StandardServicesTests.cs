using System.Net;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using Microsoft.Data.Sqlite;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Hosting;

public sealed class StandardServicesTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("")]
    [InlineData("user.UserService")]
    public async Task HealthCheck_WithWorkingStorage_IsServing(string service)
    {
        var health = new Health.HealthClient(_server.CreateChannel());

        var response = await health.CheckAsync(new HealthCheckRequest { Service = service }).ResponseAsync.DefaultTimeout();

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }

    [Fact]
    public async Task HealthWatch_SendsTheCurrentStatusFirst()
    {
        var health = new Health.HealthClient(_server.CreateChannel());
        using var cancellation = new CancellationTokenSource();
        using var watch = health.Watch(new HealthCheckRequest { Service = "user.UserService" }, cancellationToken: cancellation.Token);

        Assert.True(await watch.ResponseStream.MoveNext(cancellation.Token).DefaultTimeout());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, watch.ResponseStream.Current.Status);
        await cancellation.CancelAsync();
    }

    [Fact]
    public async Task HttpHealthz_WithWorkingStorage_IsOk()
    {
        using var http = new HttpClient { BaseAddress = _server.HttpAddress };

        using var response = await http.GetAsync(new Uri("/healthz", UriKind.Relative)).DefaultTimeout();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task DatabaseFileGone_HealthReportsNotServing()
    {
        Directory.Delete(Path.GetDirectoryName(_server.DatabasePath)!, recursive: true);
        // Idle pooled connections would keep the deleted file readable; drop them.
        SqliteConnection.ClearAllPools();
        var health = new Health.HealthClient(_server.CreateChannel());
        using var http = new HttpClient { BaseAddress = _server.HttpAddress };

        var response = await health.CheckAsync(new HealthCheckRequest()).ResponseAsync.DefaultTimeout();
        using var healthz = await http.GetAsync(new Uri("/healthz", UriKind.Relative)).DefaultTimeout();

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, response.Status);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, healthz.StatusCode);
    }

    [Fact]
    public async Task Reflection_ListsTheUserAndHealthServices()
    {
        var reflection = new ServerReflection.ServerReflectionClient(_server.CreateChannel());
        using var call = reflection.ServerReflectionInfo();

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" }).DefaultTimeout();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { FileContainingSymbol = "user.UserService" }).DefaultTimeout();
        await call.RequestStream.CompleteAsync().DefaultTimeout();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());
        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(service => service.Name).ToArray();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());
        var files = call.ResponseStream.Current.FileDescriptorResponse.FileDescriptorProto;

        Assert.Contains("user.UserService", services);
        Assert.Contains("grpc.health.v1.Health", services);
        Assert.NotEmpty(files);
    }
}

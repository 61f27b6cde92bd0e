using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;
using UserSystem.Client;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Consistency;

/// <summary>
/// Tokens on one PostgreSQL (a connection string with one host: reads stay on it): what a write
/// answers, what a read answers, and the client library carrying the newest one.
/// </summary>
public sealed class PostgresConsistencyTokenTests : IAsyncLifetime
{
    private readonly SentTokens _sent = new();
    private string _database = "";
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _database = await (await PostgresServer.GetAsync().DefaultTimeout()).CreateDatabaseAsync().DefaultTimeout();
        _server = await TestServer.StartAsync(
            builder => builder.Services.Configure<Grpc.AspNetCore.Server.GrpcServiceOptions>(grpc => grpc.Interceptors.Add<SentTokensProbe>(_sent)),
            databasePath: null,
            "Storage:Provider=Postgres",
            $"ConnectionStrings:Postgres={_database}");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task CreateUser_AnswersThisClustersToken_AtOrPastItsCommit()
    {
        var before = await ScalarAsync<NpgsqlLogSequenceNumber>("SELECT pg_current_wal_lsn()");

        using var call = _server.Client.CreateUserAsync(Users.NewRequest());
        var created = await call.ResponseAsync.DefaultTimeout();
        Assert.True(ConsistencyToken.TryParse((await call.ResponseHeadersAsync.DefaultTimeout()).GetValue(ConsistencyToken.Header), out var token));

        Assert.Equal((ulong)await ScalarAsync<long>("SELECT system_identifier FROM pg_control_system()"), token.SystemId);
        // Past the WAL as it was before the call (the create wrote after it), and not past the WAL's end.
        Assert.True(token.Lsn > (ulong)before, "the token does not cover the create's WAL");
        Assert.True(token.Lsn <= (ulong)await ScalarAsync<NpgsqlLogSequenceNumber>("SELECT pg_current_wal_lsn()"));
        Assert.Equal(created.User.Email, await ScalarAsync<string>($"SELECT email FROM users WHERE id = {created.User.Id}"));
    }

    [Fact]
    public async Task ReadWithAToken_AnswersAtLeastThatToken()
    {
        using var create = _server.Client.CreateUserAsync(Users.NewRequest());
        var created = await create.ResponseAsync.DefaultTimeout();
        var written = (await create.ResponseHeadersAsync.DefaultTimeout()).GetValue(ConsistencyToken.Header)!;

        using var read = _server.Client.GetUserAsync(new GetUserRequest { Id = created.User.Id }, new Metadata { { ConsistencyToken.Header, written } });
        await read.ResponseAsync.DefaultTimeout();

        Assert.True(ConsistencyToken.TryParse(written, out var sent));
        Assert.True(ConsistencyToken.TryParse((await read.ResponseHeadersAsync.DefaultTimeout()).GetValue(ConsistencyToken.Header), out var answered));
        Assert.Equal(sent.SystemId, answered.SystemId);
        Assert.True(answered.Lsn >= sent.Lsn);
    }

    [Fact]
    public async Task ClientLibrary_SendsTheNewestTokenItReceived_WithEveryLaterCall()
    {
        var options = new UserSystemClientOptions();
        options.Addresses.Add(_server.GrpcAddress);
        using var connection = new UserSystemConnection(options);
        var client = new UserService.UserServiceClient(connection.CallInvoker);

        await client.CreateUserAsync(Users.NewRequest()).ResponseAsync.DefaultTimeout();
        var first = connection.ConsistencyTokens.Current;
        var second = await client.CreateUserAsync(Users.NewRequest()).ResponseAsync.DefaultTimeout();
        var newest = connection.ConsistencyTokens.Current;
        await client.GetUserAsync(new GetUserRequest { Id = second.User.Id }).ResponseAsync.DefaultTimeout();
        using (var stream = client.StreamUsers(new StreamUsersRequest()))
        {
            while (await stream.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout())
            {
            }
        }

        Assert.NotNull(first);
        Assert.True(ConsistencyToken.TryParse(first, out var one));
        Assert.True(ConsistencyToken.TryParse(newest, out var two));
        Assert.True(two.Lsn > one.Lsn);
        // The first call had nothing to send; each later one sent the newest token received before it.
        Assert.Equal(4, _sent.Tokens.Count);
        Assert.Equal([null, first, newest], _sent.Tokens.Take(3));
        Assert.True(ConsistencyToken.TryParse(_sent.Tokens[3], out var streamed) && streamed.Lsn >= two.Lsn);
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync().DefaultTimeout();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync().DefaultTimeout();
        await reader.ReadAsync().DefaultTimeout();
        return reader.GetFieldValue<T>(0);
    }

    /// <summary>The token each call arrived with, in order.</summary>
    private sealed class SentTokens
    {
        public List<string?> Tokens { get; } = [];
    }

    private sealed class SentTokensProbe(SentTokens sent) : Interceptor
    {
        public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
        {
            Record(context);
            return continuation(request, context);
        }

        public override Task ServerStreamingServerHandler<TRequest, TResponse>(
            TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
        {
            Record(context);
            return continuation(request, responseStream, context);
        }

        private void Record(ServerCallContext context)
        {
            lock (sent)
            {
                sent.Tokens.Add(context.RequestHeaders.GetValue(ConsistencyToken.Header));
            }
        }
    }
}

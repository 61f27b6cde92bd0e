using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Core.Interceptors;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using UserSystem.Contracts;
using UserSystem.Testing;

namespace UserSystem.Server.Tests.Rpc;

/// <summary>
/// A chat client that sends and stops reading fills its HTTP/2 window, so the server's answer
/// write waits inside the commit point; the stream cap must still end the call (issue 24, item 10).
/// </summary>
public sealed class ChatStalledReaderTests
{
    [Fact]
    public async Task ChatClientThatStopsReading_IsEndedByTheStreamCap_WithHowManyWereAnswered()
    {
        var handlerEnd = new TaskCompletionSource<RpcException>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestServer.StartAsync(
            // Outermost, so it sees the status the server ends the call with.
            builder => builder.Services.Configure<GrpcServiceOptions>(grpc =>
            {
                grpc.Interceptors.Add<HandlerEndInterceptor>(handlerEnd);
                var registration = grpc.Interceptors[^1];
                grpc.Interceptors.RemoveAt(grpc.Interceptors.Count - 1);
                grpc.Interceptors.Insert(0, registration);
            }),
            databasePath: null,
            "Limits:MaxStreamDurationSeconds=1",
            "Server:StreamAnswerTimeoutSeconds=1");
        using var chat = server.Client.ChatWithUsers();
        // About 1 KB per answer: 300 of them are far more than the client's 64 KB stream window.
        var hobbies = Enumerable.Range(0, 20).Select(i => $"{i:00}" + new string('h', 48)).ToArray();
        for (var i = 0; i < 300; i++)
        {
            await chat.RequestStream.WriteAsync(Users.NewRequest($"Stalled {i}", hobbies: hobbies)).DefaultTimeout();
        }

        // Nothing is read: only the server can end this call, while an answer write is stuck.
        var status = await handlerEnd.Task.DefaultTimeout();

        Assert.Equal(StatusCode.DeadlineExceeded, status.StatusCode);
        Assert.Contains("Limits:MaxStreamDurationSeconds", status.Status.Detail, StringComparison.Ordinal);
        var answered = int.Parse(Regex.Match(status.Status.Detail, @"Every user answered on this call \((\d+)\) was created").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.InRange(answered, 1, 298);
        // The answered users, and the one whose answer the client never took, are stored; no more.
        var list = await server.Client.ListUsersAsync(new ListUsersRequest { Limit = 1 }).ResponseAsync.DefaultTimeout();
        Assert.Equal(answered + 1, list.Total);
        // The client's stream ends too (reset, since the status cannot pass the unread answers).
        await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await chat.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout())
            {
            }
        });
    }

    /// <summary>Completes with the status a streaming call ended with on the server, whatever the client has read.</summary>
    private sealed class HandlerEndInterceptor(TaskCompletionSource<RpcException> ended) : Interceptor
    {
        public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
            IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
        {
            try
            {
                await continuation(requestStream, responseStream, context);
                ended.TrySetResult(new RpcException(Status.DefaultSuccess));
            }
            catch (RpcException exception)
            {
                ended.TrySetResult(exception);
                throw;
            }
        }
    }
}

using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using UserSystem.Server.Domain;
using UserSystem.Server.Storage;
using UserSystem.Validation;

namespace UserSystem.Server.Tests.Security;

/// <summary>Where in a batch <see cref="BatchCommitGate"/> holds it until the server has begun to stop.</summary>
public enum BatchHold
{
    /// <summary>After the first item reached the store: the input is not complete, nothing may be stored.</summary>
    AfterFirstItem,

    /// <summary>The input is complete and the store is about to commit it.</summary>
    AtCommit,

    /// <summary>The store has committed; the answer has not been sent yet.</summary>
    AfterCommit,

    /// <summary>A single create (a chat's item) is stored; its answer has not been sent yet.</summary>
    AfterCreate,
}

/// <summary>
/// Wraps the server's real store so that a batch (or a chat's create) stops at a chosen point, reports it, and goes on
/// only once the server is stopping: a deterministic way to begin a stop at that exact moment.
/// </summary>
public sealed class BatchCommitGate(BatchHold hold)
{
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a batch is held at the chosen point.</summary>
    public Task Reached => _reached.Task;

    public void Install(WebApplicationBuilder builder)
    {
        var original = builder.Services.Single(service => service.ServiceType == typeof(IUserStore));
        builder.Services.Remove(original);
        builder.Services.AddSingleton(provider =>
        {
            var proxy = DispatchProxy.Create<IUserStore, GatedStore>();
            var gated = (GatedStore)(object)proxy;
            gated.Inner = (IUserStore)original.ImplementationFactory!(provider);
            gated.Gate = this;
            gated.Stopping = provider.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            return proxy;
        });
    }

    private async Task HoldUntilStoppingAsync(CancellationToken stopping)
    {
        _reached.TrySetResult();
        await Task.Delay(Timeout.Infinite, stopping).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    /// <summary>Forwards every call to the real store; holds batches and creates at the gate's point.</summary>
#pragma warning disable CA1852 // DispatchProxy derives from it.
    public class GatedStore : DispatchProxy
#pragma warning restore CA1852
    {
        internal IUserStore Inner { get; set; } = null!;

        internal BatchCommitGate Gate { get; set; } = null!;

        internal CancellationToken Stopping { get; set; }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod!.Name == nameof(IUserStore.CreateBatchAsync) && args!.Length == 3)
            {
                return CreateBatchAsync((IAsyncEnumerable<NewUser>)args[0]!, (ChangeContext)args[1]!, (CancellationToken)args[2]!);
            }

            if (targetMethod.Name == nameof(IUserStore.CreateAsync) && args!.Length == 4)
            {
                return CreateAsync((NewUser)args[0]!, (ChangeContext)args[1]!, (string?)args[2], (CancellationToken)args[3]!);
            }

            try
            {
                return targetMethod.Invoke(Inner, args);
            }
            catch (TargetInvocationException exception) when (exception.InnerException is not null)
            {
                ExceptionDispatchInfo.Throw(exception.InnerException);
                throw;
            }
        }

        private async Task<BatchCreateResult> CreateBatchAsync(IAsyncEnumerable<NewUser> users, ChangeContext change, CancellationToken cancellationToken)
        {
            var result = await Inner.CreateBatchAsync(HeldAsync(users, cancellationToken), change, cancellationToken);
            if (Gate.Hold(BatchHold.AfterCommit))
            {
                await Gate.HoldUntilStoppingAsync(Stopping);
            }

            return result;
        }

        private async Task<UserAccount> CreateAsync(NewUser user, ChangeContext change, string? idempotencyKey, CancellationToken cancellationToken)
        {
            var created = await Inner.CreateAsync(user, change, idempotencyKey, cancellationToken);
            if (Gate.Hold(BatchHold.AfterCreate))
            {
                await Gate.HoldUntilStoppingAsync(Stopping);
            }

            return created;
        }

        private async IAsyncEnumerable<NewUser> HeldAsync(IAsyncEnumerable<NewUser> users, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            var first = true;
            await foreach (var user in users.WithCancellation(cancellationToken))
            {
                yield return user;
                if (first && Gate.Hold(BatchHold.AfterFirstItem))
                {
                    await Gate.HoldUntilStoppingAsync(Stopping);
                }

                first = false;
            }

            // The server's reader has seen the end of the input: the batch is at its commit point.
            if (Gate.Hold(BatchHold.AtCommit))
            {
                await Gate.HoldUntilStoppingAsync(Stopping);
            }
        }
    }

    private bool Hold(BatchHold point) => point == hold;
}

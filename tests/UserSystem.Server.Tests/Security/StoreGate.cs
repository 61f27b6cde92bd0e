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

/// <summary>Where <see cref="StoreGate"/> holds a call: until the server has begun to stop, or until released.</summary>
public enum StoreHold
{
    /// <summary>After the first item reached the store: the input is not complete, nothing may be stored.</summary>
    AfterFirstItem,

    /// <summary>The input is complete and the store is about to commit it.</summary>
    AtCommit,

    /// <summary>The store has committed; the answer has not been sent yet.</summary>
    AfterCommit,

    /// <summary>A single create (a chat's item) is stored; its answer has not been sent yet.</summary>
    AfterCreate,

    /// <summary>An update is about to reach the store; it waits for <see cref="StoreGate.Release"/> (not for a stop).</summary>
    BeforeUpdate,
}

/// <summary>
/// Wraps the server's real store so that a batch, a chat's create or an update stops at a chosen
/// point, reports it, and goes on only once the server is stopping (or the test releases it): a
/// deterministic way to make something happen at that exact moment.
/// </summary>
public sealed class StoreGate(StoreHold hold)
{
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a batch is held at the chosen point.</summary>
    public Task Reached => _reached.Task;

    /// <summary>Lets a call held at <see cref="StoreHold.BeforeUpdate"/> go on.</summary>
    public void Release() => _released.TrySetResult();

    public void Install(WebApplicationBuilder builder)
    {
        var original = builder.Services.Single(service => service.ServiceType == typeof(IUserStore) && !service.IsKeyedService);
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

        internal StoreGate Gate { get; set; } = null!;

        internal CancellationToken Stopping { get; set; }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod!.Name == nameof(IUserStore.CreateBatchAsync) && args!.Length == 3)
            {
                return CreateBatchAsync((IAsyncEnumerable<NewUser>)args[0]!, (ChangeContext)args[1]!, (CancellationToken)args[2]!);
            }

            if (targetMethod.Name == nameof(IUserStore.UpdateAsync) && Gate.Hold(StoreHold.BeforeUpdate))
            {
                return UpdateAsync((int)args![0]!, (UserChanges)args[1]!, (long?)args[2], (ChangeContext)args[3]!, (CancellationToken)args[4]!);
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
            if (Gate.Hold(StoreHold.AfterCommit))
            {
                await Gate.HoldUntilStoppingAsync(Stopping);
            }

            return result;
        }

        private async Task<UserAccount> CreateAsync(NewUser user, ChangeContext change, string? idempotencyKey, CancellationToken cancellationToken)
        {
            var created = await Inner.CreateAsync(user, change, idempotencyKey, cancellationToken);
            if (Gate.Hold(StoreHold.AfterCreate))
            {
                await Gate.HoldUntilStoppingAsync(Stopping);
            }

            return created;
        }

        private async Task<UserAccount> UpdateAsync(int id, UserChanges changes, long? expectedVersion, ChangeContext change, CancellationToken cancellationToken)
        {
            Gate._reached.TrySetResult();
            await Gate._released.Task.WaitAsync(cancellationToken);
            return await Inner.UpdateAsync(id, changes, expectedVersion, change, cancellationToken);
        }

        private async IAsyncEnumerable<NewUser> HeldAsync(IAsyncEnumerable<NewUser> users, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            var first = true;
            await foreach (var user in users.WithCancellation(cancellationToken))
            {
                yield return user;
                if (first && Gate.Hold(StoreHold.AfterFirstItem))
                {
                    await Gate.HoldUntilStoppingAsync(Stopping);
                }

                first = false;
            }

            // The server's reader has seen the end of the input: the batch is at its commit point.
            if (Gate.Hold(StoreHold.AtCommit))
            {
                await Gate.HoldUntilStoppingAsync(Stopping);
            }
        }
    }

    private bool Hold(StoreHold point) => point == hold;
}

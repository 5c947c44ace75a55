namespace Backprop;

public partial class Tensor
{
    /// <summary>Hooks registered with <see cref="RegisterPostAccumulateGradHook"/>, in order; empty when none.</summary>
    internal IReadOnlyList<Action<Tensor>> AccumulateHooks => (IReadOnlyList<Action<Tensor>>?)_extras?.AccumulateHooks ?? [];

    /// <summary>Whether any post-accumulate hook is registered (read by the backward pass for every leaf, so without an interface call).</summary>
    internal bool HasAccumulateHooks => _extras?.AccumulateHooks is { Count: > 0 };

    /// <summary>
    /// Registers <paramref name="hook"/> to run each time a backward pass has finished adding
    /// into this leaf's <see cref="Grad"/> (PyTorch's <c>register_post_accumulate_grad_hook</c>):
    /// it receives this tensor, whose <see cref="Grad"/> then holds the sum so far, and runs
    /// while the rest of the pass is still to come, so it can start work on a gradient that is
    /// ready (distributed training starts its all-reduce there). Dispose the handle to remove it.
    /// </summary>
    /// <param name="hook">The function to call with the leaf.</param>
    /// <exception cref="InvalidOperationException">The tensor is not a leaf, or does not require grad.</exception>
    public IDisposable RegisterPostAccumulateGradHook(Action<Tensor> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        if (GradFn is not null)
            throw new InvalidOperationException($"RegisterPostAccumulateGradHook: the tensor was computed by {GradFn.Name}; only leaves accumulate a gradient");
        if (!RequiresGrad)
            throw new InvalidOperationException("RegisterPostAccumulateGradHook: the tensor does not require grad, so no gradient will reach it");
        (Extras.AccumulateHooks ??= []).Add(hook);
        return new AccumulateHookHandle(this, hook);
    }

    private sealed class AccumulateHookHandle(Tensor owner, Action<Tensor> hook) : IDisposable
    {
        public void Dispose() => owner._extras?.AccumulateHooks?.Remove(hook);
    }
}

namespace Backprop;

public partial class Tensor
{
    /// <summary>
    /// Runs backpropagation from this tensor: every recorded rule runs once in reverse
    /// topological order, and the gradients of the leaves that require grad are accumulated
    /// (<c>+=</c>) into their <see cref="Grad"/>.
    /// </summary>
    /// <param name="gradient">
    /// d(loss)/d(this), shaped like this tensor. May be omitted for a one-element tensor (it is
    /// then 1); a tensor with more elements needs one.
    /// </param>
    /// <param name="createGraph">Record the backward pass so that the gradients can be differentiated again.</param>
    /// <exception cref="InvalidOperationException">This tensor does not require grad, or it has several elements and no gradient was given.</exception>
    public void Backward(Tensor? gradient = null, bool createGraph = false) =>
        TensorGraph.Run([this], gradient is null ? null : [gradient], createGraph, wanted: null);

    /// <summary>
    /// Clears <see cref="Grad"/> (sets it to null, as PyTorch's <c>zero_grad(set_to_none=True)</c>),
    /// so the next backward pass starts afresh. A gradient that backward accumulated goes back to
    /// the buffer pool: a reference kept to it can no longer be read (clone it first to keep it).
    /// </summary>
    public void ZeroGrad()
    {
        if (GradIsAccumulator) Grad!.SharedStorage.Release(ClearedByZeroGrad);
        Grad = null;
    }

    /// <summary><see cref="ZeroGrad()"/> with the calling thread's memory already at hand (an optimizer clearing all its parameters reads it once).</summary>
    internal void ZeroGrad(Memory.ThreadMemory thread)
    {
        if (GradIsAccumulator) Grad!.SharedStorage.Release(ClearedByZeroGrad, thread);
        Grad = null;
    }

    private const string ClearedByZeroGrad = "its gradient was cleared by ZeroGrad()";
}

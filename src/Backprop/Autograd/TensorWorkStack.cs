namespace Backprop;

/// <summary>
/// The backward pass's stack of tensors to visit: a <see cref="Stack{T}"/> of tensors stored
/// in a struct wrapper, so that a push is a plain store.
/// </summary>
/// <remarks>
/// <see cref="Tensor"/> is not sealed (a <see cref="NN.Parameter"/> is one), so storing it into
/// a <c>Tensor[]</c> makes the runtime check the array's element type on every store; the
/// shared generic code of <c>Stack&lt;Tensor&gt;</c> pays that check too. A tiny network's
/// step pushes every tensor of its graph twice (counting, then the pass), and those checks
/// were a few percent of TF Playground's step.
/// </remarks>
internal sealed class TensorWorkStack
{
    private struct Slot
    {
        public Tensor Tensor;
    }

    private Slot[] _slots = new Slot[16];
    private int _count;

    /// <summary>Adds <paramref name="tensor"/> on top.</summary>
    public void Push(Tensor tensor)
    {
        if (_count == _slots.Length) Array.Resize(ref _slots, _count * 2);
        _slots[_count++].Tensor = tensor;
    }

    /// <summary>Takes the top tensor off (and forgets it), or returns false when empty.</summary>
    public bool TryPop(out Tensor tensor)
    {
        if (_count == 0)
        {
            tensor = null!;
            return false;
        }
        ref Slot top = ref _slots[--_count];
        tensor = top.Tensor;
        top.Tensor = null!;
        return true;
    }

    /// <summary>Forgets every tensor still on the stack (after a pass that threw).</summary>
    public void Clear()
    {
        Array.Clear(_slots, 0, _count);
        _count = 0;
    }
}

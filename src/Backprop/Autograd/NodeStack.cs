using System.Runtime.CompilerServices;

namespace Backprop;

/// <summary>
/// The work stack of the backward pass over <see cref="Value"/> graphs: a plain growable array,
/// small enough for the JIT to inline every push and pop, with the two pushes the consumer
/// counting of <see cref="ValueGraph"/> needs.
/// </summary>
internal sealed class NodeStack
{
    // Slots wrap the reference in a struct: stores into a Value[] would pay for an array
    // covariance check on every push, since Value is not sealed.
    private Slot[] _items = new Slot[256];
    private int _count;

    /// <summary>Whether the stack is empty.</summary>
    public bool IsEmpty => _count == 0;

    /// <summary>Counts one more consumer of <paramref name="input"/>, and pushes it if it had none (first seen).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void PushIfFirstSeen(Value input)
    {
        if (input.PendingConsumers++ == 0) Push(input);
    }

    /// <summary>Counts one consumer of <paramref name="input"/> done, and pushes it if that was the last (ready).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void PushIfLastConsumer(Value input)
    {
        if (--input.PendingConsumers == 0) Push(input);
    }

    /// <summary>Pushes <paramref name="node"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Push(Value node)
    {
        if (_count == _items.Length) Array.Resize(ref _items, _items.Length * 2);
        _items[_count++].Node = node;
    }

    /// <summary>Pops the top node; the stack must not be empty. The slot is cleared so the stack holds no graph alive.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Value Pop()
    {
        ref Slot slot = ref _items[--_count];
        Value node = slot.Node;
        slot.Node = null!;
        return node;
    }

    private struct Slot
    {
        public Value Node;
    }
}

using System.Numerics;

namespace Backprop;

/// <summary>
/// Spare node arrays for <see cref="TapeChunk"/>s, shared by all threads: the arrays of chunks
/// the garbage collector found unreachable (their finalizers return them), kept for the next
/// chunks instead of allocating (and faulting in) fresh memory. At most <see cref="MaxFull"/>
/// full-size arrays (32 MB) and <see cref="MaxSmall"/> of each smaller size are kept; the rest
/// are left to the collector.
/// </summary>
internal static class TapeArrayPool
{
    /// <summary>Full-size arrays kept: enough for the chunks a training loop makes between two collections.</summary>
    public const int MaxFull = 128;

    /// <summary>Arrays of each smaller size kept (each run of chunks uses one of each).</summary>
    public const int MaxSmall = 16;

    // One stack per size: MinCapacity, doubled up to MaxCapacity.
    private static readonly Stack<TapeNode[]>[] Spare =
        [.. Enumerable.Range(0, SizeClass(TapeChunk.MaxCapacity) + 1).Select(_ => new Stack<TapeNode[]>())];

    /// <summary>A spare array of <paramref name="capacity"/> nodes, or a new one.</summary>
    public static TapeNode[] Rent(int capacity)
    {
        Stack<TapeNode[]> spare = Spare[SizeClass(capacity)];
        lock (spare)
        {
            if (spare.TryPop(out TapeNode[]? nodes)) return nodes;
        }
        // Pinned: the collector never copies the arrays between generations (and they hold no
        // references to scan). Uninitialised: every entry is written when its node is recorded.
        return GC.AllocateUninitializedArray<TapeNode>(capacity, pinned: true);
    }

    /// <summary>Keeps <paramref name="nodes"/>, whose chunk is dead, for reuse (if there is room). Thread-safe.</summary>
    public static void Return(TapeNode[] nodes)
    {
        if (nodes.Length < Tape.MinCapacity) return;
        Stack<TapeNode[]> spare = Spare[SizeClass(nodes.Length)];
        lock (spare)
        {
            if (spare.Count < (nodes.Length == TapeChunk.MaxCapacity ? MaxFull : MaxSmall)) spare.Push(nodes);
        }
    }

    private static int SizeClass(int capacity) => BitOperations.Log2((uint)capacity) - BitOperations.Log2(Tape.MinCapacity);
}

using System.Numerics;

namespace Backprop;

/// <summary>
/// Spare node blocks (native memory, <see cref="TapeMemory"/>) for <see cref="TapeChunk"/>s,
/// shared by all threads: the blocks of chunks the garbage collector found unreachable
/// (<see cref="TapeChunkLifetimes"/> returns them), kept for the next chunks instead of
/// faulting in fresh memory. At most <see cref="MaxFull"/> full-size blocks (24 MB) and <see cref="MaxSmall"/> of each smaller
/// size are kept in memory; the pages of the rest go back to the OS (<see cref="TapeMemory.Release"/>)
/// and the blocks wait, empty, for reuse.
/// </summary>
internal static unsafe class TapeBlockPool
{
    /// <summary>Full-size blocks kept in memory: enough for the chunks a training loop makes between two collections.</summary>
    public const int MaxFull = 128;

    /// <summary>Blocks of each smaller size kept in memory (each run of chunks uses one of each).</summary>
    public const int MaxSmall = 16;

    // One stack per size (MinCapacity, doubled up to MaxCapacity) of blocks whose pages are
    // resident, and one of blocks whose pages were given back.
    private static readonly Stack<nint>[] Spare =
        [.. Enumerable.Range(0, SizeClass(TapeChunk.MaxCapacity) + 1).Select(_ => new Stack<nint>())];
    private static readonly Stack<nint>[] Released =
        [.. Enumerable.Range(0, SizeClass(TapeChunk.MaxCapacity) + 1).Select(_ => new Stack<nint>())];

    /// <summary>
    /// Full-size blocks rented since the last collection after which, if none is spare, a
    /// collection is started rather than fresh memory faulted in (see <see cref="Rent"/>).
    /// </summary>
    public const int RentsBeforeCollection = 32;

    /// <summary>The most rents the wait for a collection grows to while collections bring nothing back.</summary>
    public const int MaxRentsBeforeCollection = 1024;

    // Full-size rents since the collection numbered s_collections (GC.CollectionCount(0)).
    private static int s_rents;
    private static int s_collections;
    // Rents to wait for before starting a collection; full-size blocks returned so far, and
    // their number when this pool last started a collection.
    private static int s_threshold = RentsBeforeCollection;
    private static int s_returns;
    private static int s_returnsAtCollection;

    /// <summary>A spare block of <paramref name="capacity"/> nodes, or a new one.</summary>
    /// <remarks>
    /// Chunks die when the garbage collector finds them unreachable, and only then do their
    /// blocks come back. A loop whose handles are few (a training step records 65,000 nodes but
    /// keeps a few hundred handles) allocates so little that collections become rare, and every
    /// chunk in between would get a fresh block, whose pages the OS must fault in (3-7 µs
    /// each on the project's VM, 0.2 ms per 48-page block; more than the nodes' own work). So
    /// when no full-size block is spare and <see cref="RentsBeforeCollection"/> (6 MB) have
    /// been rented since the last collection, this starts one (generation 1: chunks that
    /// outlived one collection are found dead too) and takes the dead chunks' blocks back at
    /// once (<see cref="TapeChunkLifetimes.Sweep"/>). When nothing came back since the last
    /// such collection (one graph that keeps growing, as the million-step chain), the wait doubles, up to
    /// <see cref="MaxRentsBeforeCollection"/>; it drops back once blocks come back again.
    /// </remarks>
    public static TapeNode* Rent(int capacity)
    {
        TapeChunkLifetimes.SweepIfCollected();
        Stack<nint> spare = Spare[SizeClass(capacity)];
        lock (spare)
        {
            if (spare.TryPop(out nint nodes))
            {
                CountRent(capacity);
                return (TapeNode*)nodes;
            }
        }
        CountRent(capacity);
        if (capacity == TapeChunk.MaxCapacity && Volatile.Read(ref s_rents) >= Volatile.Read(ref s_threshold))
        {
            Volatile.Write(ref s_rents, 0);
            int returns = Volatile.Read(ref s_returns);
            int threshold = Volatile.Read(ref s_threshold);
            Volatile.Write(ref s_threshold, returns == Volatile.Read(ref s_returnsAtCollection)
                ? Math.Min(threshold * 2, MaxRentsBeforeCollection)
                : RentsBeforeCollection);
            Volatile.Write(ref s_returnsAtCollection, returns);
            GC.Collect(1, GCCollectionMode.Forced, blocking: true);
            // The collection cleared the weak handles of the chunks it found dead: take their
            // blocks now, on this thread (no wait for the finalizer thread).
            TapeChunkLifetimes.Sweep();
            lock (spare)
            {
                if (spare.TryPop(out nint nodes)) return (TapeNode*)nodes;
            }
        }
        // A block whose pages were given back, else a fresh one. Uninitialised: every entry is
        // written when its node is recorded.
        Stack<nint> released = Released[SizeClass(capacity)];
        nint given;
        bool found;
        lock (released) found = released.TryPop(out given);
        if (!found) return TapeMemory.Carve(capacity);
        TapeMemory.Populate((TapeNode*)given, capacity); // its pages went back: map them again at once, as Carve does
        return (TapeNode*)given;
    }

    /// <summary>Counts a full-size rent since the last collection.</summary>
    private static void CountRent(int capacity)
    {
        if (capacity != TapeChunk.MaxCapacity) return;
        int collections = GC.CollectionCount(0);
        if (collections != Volatile.Read(ref s_collections))
        {
            Volatile.Write(ref s_collections, collections);
            Volatile.Write(ref s_rents, 0);
        }
        Interlocked.Increment(ref s_rents);
    }

    /// <summary>
    /// Keeps <paramref name="nodes"/> (<paramref name="capacity"/> nodes), whose chunk is dead,
    /// for reuse: in memory if there is room, else with its pages given back. Thread-safe.
    /// </summary>
    public static void Return(TapeNode* nodes, int capacity)
    {
        if (capacity == TapeChunk.MaxCapacity) Interlocked.Increment(ref s_returns);
        Stack<nint> spare = Spare[SizeClass(capacity)];
        lock (spare)
        {
            if (spare.Count < (capacity == TapeChunk.MaxCapacity ? MaxFull : MaxSmall))
            {
                spare.Push((nint)nodes);
                return;
            }
        }
        TapeMemory.Release(nodes, capacity);
        Stack<nint> released = Released[SizeClass(capacity)];
        lock (released) released.Push((nint)nodes);
    }

    private static int SizeClass(int capacity) => BitOperations.Log2((uint)capacity) - BitOperations.Log2(Tape.MinCapacity);
}

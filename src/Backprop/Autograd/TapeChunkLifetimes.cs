using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Backprop;

/// <summary>
/// Finds the <see cref="TapeChunk"/>s the garbage collector has found unreachable and hands
/// their node blocks to <see cref="TapeBlockPool"/>: each live chunk is tracked by a short weak
/// handle, which the collector clears during the collection that finds the chunk dead; after
/// each collection the handles are swept, by the next <see cref="TapeBlockPool.Rent"/> or, if
/// no chunk is made, on the finalizer thread.
/// </summary>
/// <remarks>
/// <para>Until the eighth session a chunk's finalizer returned its block. Finalizers run on
/// the finalizer thread, after the collection: a pool that wanted the blocks back at once had
/// to wait for that thread (<c>GC.WaitForPendingFinalizers</c>), and on the busy 2-core VM
/// the demo steps that started a collection took 5-10 ms (median) instead of 1.6-3.3 without
/// the wait (docs/performance.md, eighth session). A weak handle is cleared by the collection itself, so the thread that
/// started it can take the blocks at once. It also spares the collector the finalization of
/// each dead chunk (a finalizable object is kept alive, with all it refers to, for one more
/// collection).</para>
/// <para>A chunk's block is only read through the chunk (handles and input codes hold the
/// chunk), so once the weak handle is clear nothing can read the block any more. A finalizer
/// of the user's that reads a <see cref="Value"/> it holds is the exception, as it was with the
/// chunk's own finalizer (finalization order is undefined).</para>
/// </remarks>
internal static unsafe class TapeChunkLifetimes
{
    private readonly record struct Tracked(GCHandle Chunk, nint Nodes, int Capacity);

    // Chunks tracked since the last sweep: added without a lock, so that a sweep on the
    // finalizer thread never makes the recording thread wait (with a lock here, the chain's
    // recording waited 20-40 ms for it: docs/performance.md, eighth session).
    private static readonly ConcurrentQueue<Tracked> s_new = new();
    private static readonly Lock s_lock = new();
    private static readonly List<Tracked> s_live = []; // under s_lock
    private static int s_sweptAt = -1; // GC.CollectionCount(0) when last swept
    private static int s_sentinel;     // 1 while a sentinel waits for the next collection

    /// <summary>Tracks <paramref name="chunk"/>: once the collector finds it unreachable, its block goes back to the pool.</summary>
    public static void Track(TapeChunk chunk)
    {
        s_new.Enqueue(new Tracked(GCHandle.Alloc(chunk, GCHandleType.Weak), (nint)chunk.Nodes, chunk.Capacity));
        if (Volatile.Read(ref s_sentinel) == 0 && Interlocked.Exchange(ref s_sentinel, 1) == 0) _ = new Sentinel();
    }

    /// <summary>Whether a live chunk records into <paramref name="nodes"/> (for tests).</summary>
    internal static bool Tracks(TapeNode* nodes)
    {
        lock (s_lock)
        {
            Drain();
            return s_live.Exists(t => t.Nodes == (nint)nodes);
        }
    }

    /// <summary>Sweeps if a collection happened since the last sweep and no other thread is sweeping (cheap when none did).</summary>
    public static void SweepIfCollected()
    {
        if (GC.CollectionCount(0) != Volatile.Read(ref s_sweptAt)) Sweep(wait: false);
    }

    /// <summary>
    /// Returns the blocks of every tracked chunk the collector has found unreachable to the pool;
    /// if another thread is sweeping, waits for it when <paramref name="wait"/>, else leaves the
    /// sweep to it.
    /// </summary>
    public static void Sweep(bool wait = true)
    {
        if (!s_lock.TryEnter())
        {
            if (!wait) return;
            s_lock.Enter();
        }
        try
        {
            s_sweptAt = GC.CollectionCount(0);
            Drain();
            int kept = 0;
            for (int i = 0; i < s_live.Count; i++)
            {
                Tracked t = s_live[i];
                if (t.Chunk.Target is null)
                {
                    t.Chunk.Free();
                    TapeBlockPool.Return((TapeNode*)t.Nodes, t.Capacity);
                }
                else
                {
                    s_live[kept++] = t;
                }
            }
            s_live.RemoveRange(kept, s_live.Count - kept);
        }
        finally
        {
            s_lock.Exit();
        }
    }

    /// <summary>Moves the chunks tracked since the last sweep into the list (under the lock).</summary>
    private static void Drain()
    {
        while (s_new.TryDequeue(out Tracked t)) s_live.Add(t);
    }

    /// <summary>
    /// Unreachable from birth: the next collection finalizes it, and its finalizer sweeps (so
    /// that blocks come back, and pages beyond the pool's share go back to the OS, even when no
    /// thread makes chunks any more) and, while chunks are tracked, makes the next sentinel.
    /// </summary>
    private sealed class Sentinel
    {
        ~Sentinel()
        {
            Sweep(wait: false);
            Volatile.Write(ref s_sentinel, 0);
            bool more;
            lock (s_lock) more = s_live.Count > 0 || !s_new.IsEmpty;
            // Re-armed only if no Track did it since the flag was cleared.
            if (more && !Environment.HasShutdownStarted && Interlocked.Exchange(ref s_sentinel, 1) == 0) _ = new Sentinel();
        }
    }
}

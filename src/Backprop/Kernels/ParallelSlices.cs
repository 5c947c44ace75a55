namespace Backprop.Kernels;

/// <summary>
/// Runs an elementwise pass (an optimizer's step over all its parameters) in contiguous chunks
/// on several threads when it is long enough to pay for waking them. Each element is computed
/// by the same operations whichever chunk it falls in, so the split changes the speed, never
/// the bits.
/// </summary>
/// <remarks>
/// <para>
/// An update streams its parameters, gradients and state through the cache once: on one core it
/// is bound by that core's floating-point divider (Adam, RMSprop) or its share of the cache
/// bandwidth (SGD), and a second core brings its own (docs/performance.md, "Optimizer steps").
/// Below <see cref="MinSliceLength"/> elements a thread the wake-up of a pool thread (tens of
/// microseconds on a busy VM) would cost more than it saves, so short passes stay on the
/// calling thread.
/// </para>
/// <para>
/// A split pass is cut into <see cref="ChunksPerThread"/> chunks per thread, which the threads
/// take in turn: a pool thread that wakes late finds the calling thread already working through
/// the chunks, and the step waits at most for the chunk that thread is in, never for a whole
/// thread's share.
/// </para>
/// </remarks>
internal static class ParallelSlices
{
    /// <summary>The fewest elements a thread gets: 32,768 (a few tens of microseconds of an Adam update).</summary>
    public const int MinSliceLength = 32_768;

    /// <summary>How many chunks each thread's share of a split pass is cut into.</summary>
    public const int ChunksPerThread = 4;

    /// <summary>Chunks start at multiples of this many elements, so that no vector straddles two chunks' cache lines.</summary>
    public const int Alignment = 64;

    /// <summary>How many threads a pass over <paramref name="length"/> elements uses: 1 when it stays on the calling thread.</summary>
    /// <param name="length">Elements in the pass.</param>
    public static int Threads(long length) => (int)Math.Max(1, Math.Min(Environment.ProcessorCount, length / MinSliceLength));

    /// <summary>How many chunks a pass over <paramref name="length"/> elements is cut into: 1 when it stays on the calling thread.</summary>
    /// <param name="length">Elements in the pass.</param>
    public static int Chunks(long length)
    {
        int threads = Threads(length);
        return threads == 1 ? 1 : threads * ChunksPerThread;
    }

    /// <summary>
    /// Calls <paramref name="slice"/>(state, start, count) for <see cref="Chunks"/> disjoint
    /// chunks that cover [0, <paramref name="length"/>), on the calling thread and the pool, and
    /// returns when all are done. On one chunk nothing is allocated (pass a static method or lambda).
    /// </summary>
    /// <param name="length">Elements in the pass.</param>
    /// <param name="state">What the pass reads and writes.</param>
    /// <param name="slice">The pass over one chunk.</param>
    public static void Run<TState>(long length, TState state, SliceAction<TState> slice)
    {
        int chunks = Chunks(length);
        if (chunks == 1) slice(state, 0, length);
        else Split(length, chunks, Threads(length), state, slice);
    }

    // A method of its own, so that the closure is allocated only when the pass is split.
    private static void Split<TState>(long length, int chunks, int threads, TState state, SliceAction<TState> slice) =>
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads }, c =>
        {
            long start = Boundary(length, chunks, c), end = Boundary(length, chunks, c + 1);
            slice(state, start, end - start);
        });

    /// <summary>Where chunk <paramref name="c"/> of <paramref name="chunks"/> starts (the end for c = chunks).</summary>
    private static long Boundary(long length, int chunks, int c) =>
        c == chunks ? length : length * c / chunks / Alignment * Alignment;
}

/// <summary>A pass over elements [<paramref name="start"/>, start + <paramref name="count"/>) of what <paramref name="state"/> holds.</summary>
internal delegate void SliceAction<in TState>(TState state, long start, long count);

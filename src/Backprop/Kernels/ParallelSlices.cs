namespace Backprop.Kernels;

/// <summary>
/// Runs an elementwise pass (an optimizer's update) over contiguous slices on several threads
/// when it is long enough to pay for waking them. Each element is computed by the same
/// operations whichever slice it falls in, so the split changes the speed, never the bits.
/// </summary>
/// <remarks>
/// An update streams its parameter, gradient and state through the cache once: on one core it
/// is bound by that core's share of the memory bandwidth (the Adam step of a 235k-parameter MLP
/// moves 6.6 MB), and a second core brings its own. Below <see cref="MinSliceLength"/> elements a
/// slice the wake-up of a pool thread (tens of microseconds on a busy VM) would cost more than
/// it saves, so short passes stay on the calling thread.
/// </remarks>
internal static class ParallelSlices
{
    /// <summary>The fewest elements a slice gets: 32,768 (a few tens of microseconds of an Adam update).</summary>
    public const int MinSliceLength = 32_768;

    /// <summary>Slices start at multiples of this many elements, so that no vector straddles two slices' cache lines.</summary>
    private const int Alignment = 64;

    /// <summary>How many slices a pass over <paramref name="length"/> elements takes: 1 when it stays on the calling thread.</summary>
    /// <param name="length">Elements in the pass.</param>
    public static int Count(int length) => Math.Max(1, Math.Min(Environment.ProcessorCount, length / MinSliceLength));

    /// <summary>
    /// Calls <paramref name="slice"/>(state, start, count) for <see cref="Count"/> disjoint slices
    /// that cover [0, <paramref name="length"/>), on the calling thread and the pool, and returns
    /// when all are done. On one slice nothing is allocated (pass a static method or lambda).
    /// </summary>
    /// <param name="length">Elements in the pass.</param>
    /// <param name="state">What the pass reads and writes (the tensors and the step's scalars).</param>
    /// <param name="slice">The pass over one slice.</param>
    public static void Run<TState>(int length, in TState state, SliceAction<TState> slice)
    {
        int slices = Count(length);
        if (slices == 1) slice(state, 0, length);
        else Split(length, slices, state, slice);
    }

    // A method of its own, so that the closure is allocated only when the pass is split.
    private static void Split<TState>(int length, int slices, TState state, SliceAction<TState> slice) =>
        Parallel.For(0, slices, new ParallelOptions { MaxDegreeOfParallelism = slices }, s =>
        {
            int start = Boundary(length, slices, s), end = Boundary(length, slices, s + 1);
            slice(state, start, end - start);
        });

    /// <summary>Where slice <paramref name="s"/> of <paramref name="slices"/> starts (the end for s = slices).</summary>
    private static int Boundary(int length, int slices, int s) =>
        s == slices ? length : (int)((long)length * s / slices) / Alignment * Alignment;
}

/// <summary>A pass over elements [<paramref name="start"/>, start + <paramref name="count"/>) of what <paramref name="state"/> holds.</summary>
internal delegate void SliceAction<TState>(in TState state, int start, int count);

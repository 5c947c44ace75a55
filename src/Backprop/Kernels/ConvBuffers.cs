namespace Backprop.Kernels;

/// <summary>
/// The per-thread buffers of the convolution kernels (column tiles, padded planes, packed
/// weights, partial sums, tap offsets): grown on demand, then reused, so a steady stream of convolutions
/// allocates nothing for them (as <see cref="MatMulBuffers"/>).
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
internal static class ConvBuffers<T> where T : unmanaged
{
    [ThreadStatic] private static T[]? t_columns;
    [ThreadStatic] private static T[]? t_padded;
    [ThreadStatic] private static T[]? t_row;
    [ThreadStatic] private static T[]? t_weights;
    [ThreadStatic] private static T[]? t_partial;
    [ThreadStatic] private static int[]? t_offsets;

    /// <summary>The calling thread's column tile, at least <paramref name="count"/> elements; valid until this thread asks again.</summary>
    public static T[] Columns(int count) => Get(ref t_columns, count);

    /// <summary>This thread's buffer for zero-padded planes (<see cref="DirectConvKernel"/>), at least <paramref name="count"/> elements.</summary>
    public static T[] Padded(int count) => Get(ref t_padded, count);

    /// <summary>This thread's buffer for rows of the column matrix on their way into panels (<see cref="ConvPanels"/>).</summary>
    public static T[] Row(int count) => Get(ref t_row, count);

    /// <summary>The calling thread's packed weights for one <see cref="ConvGemm{T, TKernel}"/> call (read by its workers).</summary>
    public static T[] Weights(int count) => Get(ref t_weights, count);

    /// <summary>The calling thread's buffer for the weight gradient's sums of all parts but the first (<see cref="ConvGemm{T, TKernel}"/>).</summary>
    public static T[] Partial(int count) => Get(ref t_partial, count);

    /// <summary>This thread's buffer for the taps' offsets in padded planes (<see cref="ConvShifted{T, TKernel}"/>), at least <paramref name="count"/> elements.</summary>
    public static int[] Offsets(int count) => Get(ref t_offsets, count);

    private static TElement[] Get<TElement>(ref TElement[]? buffer, int count)
    {
        if (buffer is null || buffer.Length < count)
            buffer = GC.AllocateUninitializedArray<TElement>(count, pinned: true);
        return buffer;
    }
}

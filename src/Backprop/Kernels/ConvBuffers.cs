namespace Backprop.Kernels;

/// <summary>
/// The per-thread column tile of the convolution kernels: grown on demand, then reused, so a
/// steady stream of convolutions allocates nothing for it (as <see cref="MatMulBuffers"/>).
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
internal static class ConvBuffers<T> where T : unmanaged
{
    [ThreadStatic] private static T[]? t_columns;
    [ThreadStatic] private static T[]? t_padded;

    /// <summary>The calling thread's column tile, at least <paramref name="count"/> elements; valid until this thread asks again.</summary>
    public static T[] Columns(int count)
    {
        T[]? buffer = t_columns;
        if (buffer is null || buffer.Length < count)
            t_columns = buffer = GC.AllocateUninitializedArray<T>(count, pinned: true);
        return buffer;
    }

    /// <summary>This thread's buffer for zero-padded planes (<see cref="DirectConvKernel"/>), at least <paramref name="count"/> elements.</summary>
    public static T[] Padded(int count)
    {
        T[]? buffer = t_padded;
        if (buffer is null || buffer.Length < count)
            t_padded = buffer = GC.AllocateUninitializedArray<T>(count, pinned: true);
        return buffer;
    }
}

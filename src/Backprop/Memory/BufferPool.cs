namespace Backprop.Memory;

/// <summary>
/// Arrays for tensor elements, kept by size class and handed out again, so that a training
/// loop in steady state allocates (almost) nothing and the operating system faults in no fresh
/// pages. Arrays come back when the <see cref="TensorScope"/> that owns them ends, when a
/// backward pass finishes with its temporaries, and when a gradient is cleared.
/// </summary>
/// <remarks>
/// <para>
/// Small arrays (fewer than <see cref="MinPooledBytes"/>) are kept per thread, by exact length,
/// without a lock (<see cref="SmallArrays{T}"/>), and are not counted in <see cref="Statistics"/>.
/// Larger ones are rounded up to one of four classes per power of
/// two (at most 25% larger than asked for), so that batch sizes and layer widths that recur
/// find their arrays again. At most <see cref="MaxRetainedBytes"/> are kept; beyond that,
/// returned arrays are dropped for the GC.
/// </para>
/// <para>
/// Thread-safe. Rented arrays are not cleared: callers that need zeros clear them.
/// </para>
/// </remarks>
public static class BufferPool
{
    /// <summary>Arrays smaller than this many bytes are kept per thread instead of in the shared pool.</summary>
    public const int MinPooledBytes = 1024;

    private static readonly Lock Gate = new();
    // Keyed by array type (float[], double[], long[]) and length.
    private static readonly Dictionary<(Type, int), Stack<Array>> Free = [];
    private static long _retainedBytes;
    private static long _rents, _hits, _returns, _dropped, _allocatedBytes;

    /// <summary>
    /// The most bytes the pool keeps for reuse (default: a quarter of the memory the GC may
    /// use, at most 4 GiB).
    /// </summary>
    public static long MaxRetainedBytes { get; set; } =
        Math.Min(4L << 30, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4);

    /// <summary>What the pool has done since the process started (or <see cref="Clear"/>).</summary>
    public static BufferPoolStatistics Statistics
    {
        get
        {
            lock (Gate) return new BufferPoolStatistics(_rents, _hits, _returns, _dropped, _retainedBytes, _allocatedBytes);
        }
    }

    /// <summary>Drops every kept array (the GC reclaims them) and resets the statistics.</summary>
    public static void Clear()
    {
        lock (Gate)
        {
            Free.Clear();
            _retainedBytes = _rents = _hits = _returns = _dropped = _allocatedBytes = 0;
        }
    }

    /// <summary>
    /// An array of at least <paramref name="count"/> elements, not cleared, and whether it
    /// belongs to the pool (to be given back with <see cref="Return(Array)"/>).
    /// </summary>
    internal static T[] Rent<T>(int count, out bool pooled) where T : unmanaged => Rent<T>(count, ThreadMemory.Current, out pooled);

    /// <summary><see cref="Rent{T}(int, out bool)"/> with the calling thread's memory already at hand.</summary>
    internal static T[] Rent<T>(int count, ThreadMemory thread, out bool pooled) where T : unmanaged
    {
        int size = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        if ((long)count * size < MinPooledBytes)
        {
            pooled = count > 0;
            return pooled ? thread.Arrays<T>().Rent(count) : GC.AllocateUninitializedArray<T>(0);
        }
        pooled = true;
        int length = SizeClass(count);
        lock (Gate)
        {
            _rents++;
            if (Free.TryGetValue((typeof(T[]), length), out Stack<Array>? stack) && stack.TryPop(out Array? array))
            {
                _hits++;
                _retainedBytes -= (long)length * size;
                return (T[])array;
            }
            _allocatedBytes += (long)length * size;
        }
        return GC.AllocateUninitializedArray<T>(length);
    }

    /// <summary>Takes back an array that <see cref="Rent{T}(int, out bool)"/> handed out as pooled.</summary>
    internal static void Return(Array array) => Return(array, ThreadMemory.Current);

    /// <summary><see cref="Return(Array)"/> with the calling thread's memory already at hand.</summary>
    internal static void Return(Array array, ThreadMemory thread)
    {
        switch (array)
        {
            case float[] f when f.Length <= SmallArrays<float>.MaxLength: thread.Arrays<float>().Return(f); return;
            case double[] d when d.Length <= SmallArrays<double>.MaxLength: thread.Arrays<double>().Return(d); return;
            case long[] l when l.Length <= SmallArrays<long>.MaxLength: thread.Arrays<long>().Return(l); return;
            case bool[] b when b.Length <= SmallArrays<bool>.MaxLength: thread.Arrays<bool>().Return(b); return;
        }
        long bytes = (long)array.Length * (array is float[] ? sizeof(float) : sizeof(double));
        lock (Gate)
        {
            _returns++;
            if (_retainedBytes + bytes > MaxRetainedBytes)
            {
                _dropped++;
                return;
            }
            var key = (array.GetType(), array.Length);
            if (!Free.TryGetValue(key, out Stack<Array>? stack)) Free[key] = stack = new Stack<Array>();
            stack.Push(array);
            _retainedBytes += bytes;
        }
    }

    /// <summary>
    /// The pooled length for <paramref name="count"/> elements: rounded up to a multiple of a
    /// quarter of its highest power of two (so at most 25% is wasted).
    /// </summary>
    internal static int SizeClass(int count)
    {
        if (count <= 4) return count;
        int step = (int)(System.Numerics.BitOperations.RoundUpToPowerOf2((uint)count + 1) >> 3);
        step = Math.Max(step, 1);
        long rounded = ((long)count + step - 1) / step * step;
        return (int)Math.Min(rounded, Array.MaxLength);
    }
}

/// <summary>Counters of <see cref="BufferPool"/>.</summary>
/// <param name="Rents">Arrays asked for (pooled sizes only).</param>
/// <param name="Hits">Of those, how many were served from the pool rather than allocated.</param>
/// <param name="Returns">Arrays given back.</param>
/// <param name="Dropped">Arrays given back but dropped because the pool was full.</param>
/// <param name="RetainedBytes">Bytes kept for reuse now.</param>
/// <param name="AllocatedBytes">Bytes the pool allocated fresh (its misses).</param>
public readonly record struct BufferPoolStatistics(long Rents, long Hits, long Returns, long Dropped, long RetainedBytes, long AllocatedBytes);

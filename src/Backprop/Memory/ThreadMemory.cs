using System.Runtime.CompilerServices;

namespace Backprop.Memory;

/// <summary>
/// What the tensor engine keeps per thread, behind one thread-static field: the innermost
/// <see cref="TensorScope"/>, the scopes' spare lists, the caches of small arrays, and the
/// shared shapes of matrix results.
/// </summary>
/// <remarks>
/// On Linux each read of a thread-static field is a call into the runtime and libc's
/// <c>__tls_get_addr</c>. A tiny op's result used to read two (its array's cache, then the
/// scope that adopts it) and its release one more; on TF Playground's network that was a few
/// hundred reads a step. Now a result reads this object once, and a scope that ends reads it
/// once for all the storages it releases.
/// </remarks>
internal sealed class ThreadMemory
{
    [ThreadStatic] private static ThreadMemory? _current;

    /// <summary>This thread's memory (made on first use).</summary>
    public static ThreadMemory Current => _current ?? Create();

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ThreadMemory Create() => _current = new ThreadMemory();

    /// <summary>The innermost scope open on this thread, or null.</summary>
    public TensorScope? Scope;

    /// <summary>Lists of ended scopes, cleared, for the next ones (see <see cref="TensorScope"/>).</summary>
    public readonly List<Storage?>?[] SpareLists = new List<Storage?>?[TensorScope.SpareLists];

    /// <summary>Shape and stride arrays shared by this thread's [rows, cols] results.</summary>
    public readonly MatrixShapes Shapes = new();

    private readonly SmallArrays<float> _floats = new();
    private readonly SmallArrays<double> _doubles = new();
    private readonly SmallArrays<long> _longs = new();
    private readonly SmallArrays<bool> _bools = new();

    /// <summary>This thread's small arrays of <typeparamref name="T"/> (float, double, long or bool).</summary>
    public SmallArrays<T> Arrays<T>() where T : unmanaged
    {
        // Each test is a constant for the JIT: one branch survives per T.
        if (typeof(T) == typeof(float)) return Unsafe.As<SmallArrays<T>>(_floats);
        if (typeof(T) == typeof(double)) return Unsafe.As<SmallArrays<T>>(_doubles);
        if (typeof(T) == typeof(long)) return Unsafe.As<SmallArrays<T>>(_longs);
        if (typeof(T) == typeof(bool)) return Unsafe.As<SmallArrays<T>>(_bools);
        throw new NotSupportedException($"internal: no small-array cache for {typeof(T).Name}");
    }
}

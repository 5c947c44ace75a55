using System.Runtime.CompilerServices;

namespace Backprop.Memory;

/// <summary>
/// Arrays of fewer than <see cref="BufferPool.MinPooledBytes"/> bytes kept for reuse on one
/// thread (each thread's are in its <see cref="ThreadMemory"/>): a tiny training step (TF
/// Playground's 8-unit layers on batches of 10) makes dozens of [10, 8] activations and
/// gradients, and freshly allocated ones cost the GC's zeroing and collections. No lock: each
/// thread has its own stacks, by exact length.
/// </summary>
/// <remarks>
/// An array comes back here only from <see cref="Storage.Release(string)"/>, which first detaches it
/// from its storage (every tensor over that storage then throws on a read), and only once;
/// so an array handed out again is referenced by no live tensor. It may come back on another
/// thread than the one it was rented on (a gradient cleared elsewhere): it then joins that
/// thread's stacks. At most <see cref="Depth"/> arrays per length and
/// <see cref="MaxRetainedBytes"/> per thread and element type are kept; beyond that the GC
/// takes them.
/// </remarks>
internal sealed class SmallArrays<T> where T : unmanaged
{
    /// <summary>Arrays kept per length and thread.</summary>
    public const int Depth = 64;

    /// <summary>Bytes kept per thread (for this element type).</summary>
    public const int MaxRetainedBytes = 512 * 1024;

    /// <summary>The longest array kept (shorter than <see cref="BufferPool.MinPooledBytes"/> in bytes).</summary>
    public static readonly int MaxLength = (BufferPool.MinPooledBytes - 1) / Unsafe.SizeOf<T>();

    // Made on the first return: a thread that never gives an array back keeps no stacks.
    private T[]?[]?[]? _stacks;
    private int[]? _counts;
    private int _retainedBytes;

    /// <summary>An array of exactly <paramref name="length"/> (1 to <see cref="MaxLength"/>) elements, not cleared.</summary>
    public T[] Rent(int length)
    {
        int[]? counts = _counts;
        if (counts is not null)
        {
            int n = counts[length];
            if (n > 0)
            {
                T[]?[] stack = _stacks![length]!;
                T[] array = stack[--n]!;
                stack[n] = null;
                counts[length] = n;
                _retainedBytes -= length * Unsafe.SizeOf<T>();
                return array;
            }
        }
        return GC.AllocateUninitializedArray<T>(length);
    }

    /// <summary>Keeps <paramref name="array"/> (1 to <see cref="MaxLength"/> elements, referenced by nothing else) for this thread's next <see cref="Rent"/> of its length.</summary>
    public void Return(T[] array)
    {
        int length = array.Length;
        int bytes = length * Unsafe.SizeOf<T>();
        int[] counts = _counts ??= new int[MaxLength + 1];
        T[]?[]?[] stacks = _stacks ??= new T[]?[]?[MaxLength + 1];
        int n = counts[length];
        if (n == Depth || _retainedBytes + bytes > MaxRetainedBytes) return;
        T[]?[] stack = stacks[length] ??= new T[]?[Depth];
        stack[n] = array;
        counts[length] = n + 1;
        _retainedBytes += bytes;
    }

    /// <summary>How many arrays of <paramref name="length"/> the calling thread keeps now (for tests).</summary>
    public static int Kept(int length) => ThreadMemory.Current.Arrays<T>()._counts?[length] ?? 0;
}

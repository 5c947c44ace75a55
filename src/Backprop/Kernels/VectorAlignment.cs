using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Backprop.Kernels;

/// <summary>
/// Where a streaming kernel's vector loop should start for its loads and stores to be aligned:
/// an unaligned 32-byte access crosses a cache line every other time, and on Zen 3 the Adam step
/// over arrays at the offsets the GC gives them (8, 16 and 24 bytes past a 32-byte boundary) ran
/// a fifth slower than over aligned ones (docs/performance.md, "Optimizer steps").
/// </summary>
internal static unsafe class VectorAlignment
{
    /// <summary>Streams shorter than this (bytes) start their vectors at once, wherever they are.</summary>
    public const int ShortStreamBytes = 1024;

    /// <summary>
    /// How many of the <paramref name="length"/> elements from <paramref name="start"/> to do one
    /// by one so that the rest starts on a boundary of the widest accelerated vector (64, 32 or
    /// 16 bytes); 0 when <paramref name="start"/> is not even aligned to its element size.
    /// </summary>
    /// <remarks>
    /// Only the speed depends on the address, never the results: the kernels compute each element
    /// by the same operations in their scalar and vector paths. The address is read without
    /// pinning: should the GC move the array right after, the loop is merely unaligned.
    /// </remarks>
    public static nuint Head<T>(ref T start, nuint length) where T : unmanaged
    {
        // A short stream (a small network's parameter: 8 biases, a 8×8 weight) is a few vectors:
        // the lines it crosses cost less than an element-by-element head of up to a vector.
        if (length * (nuint)sizeof(T) < ShortStreamBytes) return 0;
        nuint vector = Vector512.IsHardwareAccelerated ? 64u : Vector256.IsHardwareAccelerated ? 32u : 16u;
        nuint address = (nuint)Unsafe.AsPointer(ref start);
        if (address % (nuint)sizeof(T) != 0) return 0;
        nuint head = (vector - address % vector) % vector / (nuint)sizeof(T);
        return Math.Min(head, length);
    }
}

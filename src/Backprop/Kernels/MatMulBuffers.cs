using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Backprop.Kernels;

/// <summary>
/// Per-thread packing buffers for <see cref="MatMulKernel"/>: pinned, 64-byte aligned, grown on
/// demand and then reused, so a steady stream of multiplications allocates nothing for them.
/// </summary>
/// <remarks>
/// A buffer belongs to the thread that asked for it and is valid until that thread asks for the
/// same buffer again; the multiply never re-enters itself on one thread, so one of each is enough.
/// </remarks>
internal static unsafe class MatMulBuffers
{
    private const int Alignment = 64;

    [ThreadStatic] private static byte[]? t_packedA;
    [ThreadStatic] private static byte[]? t_packedB;
    [ThreadStatic] private static byte[]? t_tile;

    /// <summary>The calling thread's buffer for packed panels of A, at least <paramref name="count"/> elements.</summary>
    public static T* PackedA<T>(nint count) where T : unmanaged => Get<T>(ref t_packedA, count);

    /// <summary>The calling thread's buffer for packed panels of B, at least <paramref name="count"/> elements.</summary>
    public static T* PackedB<T>(nint count) where T : unmanaged => Get<T>(ref t_packedB, count);

    /// <summary>The calling thread's scratch tile for edge tiles, at least <paramref name="count"/> elements.</summary>
    public static T* Tile<T>(nint count) where T : unmanaged => Get<T>(ref t_tile, count);

    private static T* Get<T>(ref byte[]? buffer, nint count) where T : unmanaged
    {
        nint bytes = count * sizeof(T) + Alignment;
        if (buffer is null || buffer.Length < bytes)
            buffer = GC.AllocateUninitializedArray<byte>(checked((int)bytes), pinned: true);
        nuint start = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
        return (T*)((start + Alignment - 1) & ~(nuint)(Alignment - 1));
    }
}

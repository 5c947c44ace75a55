using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Backprop.Kernels;

/// <summary>
/// The one-row micro-kernel for vector-matrix products (m = 1, or n = 1 transposed) on
/// <see cref="Vector512{T}"/>: 1 row × 4 vectors, four independent fused multiply-add chains
/// to cover the latency; it reads B in place when B's rows are contiguous.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
internal readonly unsafe struct MatMulRowKernel512<T> : IMatMulMicroKernel<T> where T : unmanaged
{
    /// <inheritdoc/>
    public static int Rows => 1;

    /// <inheritdoc/>
    public static int Columns => 4 * Vector512<T>.Count;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(nint kc, T* a, T* b, nint bStride, T* c, nint ldc, bool load)
    {
        nint w = Vector512<T>.Count;
        Vector512<T> c0, c1, c2, c3;
        if (load)
        {
            c0 = Vector512.Load(c); c1 = Vector512.Load(c + w); c2 = Vector512.Load(c + 2 * w); c3 = Vector512.Load(c + 3 * w);
        }
        else
        {
            c0 = Vector512<T>.Zero; c1 = Vector512<T>.Zero; c2 = Vector512<T>.Zero; c3 = Vector512<T>.Zero;
        }

        for (; kc > 0; kc--)
        {
            Vector512<T> ar = Vector512.Create(*a);
            c0 = MatMulFma.Fma(ar, Vector512.Load(b), c0);
            c1 = MatMulFma.Fma(ar, Vector512.Load(b + w), c1);
            c2 = MatMulFma.Fma(ar, Vector512.Load(b + 2 * w), c2);
            c3 = MatMulFma.Fma(ar, Vector512.Load(b + 3 * w), c3);
            a++;
            b += bStride;
        }

        c0.Store(c); c1.Store(c + w); c2.Store(c + 2 * w); c3.Store(c + 3 * w);
    }
}

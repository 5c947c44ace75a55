using System.Runtime.CompilerServices;

namespace Backprop.Kernels;

/// <summary>
/// The portable micro-kernel for machines without usable SIMD: 4 × 4 scalar accumulators,
/// each a fused multiply-add chain like the vector kernels'.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
internal readonly unsafe struct MatMulMicroKernelScalar<T> : IMatMulMicroKernel<T> where T : unmanaged
{
    /// <inheritdoc/>
    public static int Rows => 4;

    /// <inheritdoc/>
    public static int Columns => 4;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(nint kc, T* a, T* b, nint bStride, T* c, nint ldc, bool load)
    {
        T* tile = stackalloc T[16];
        for (int r = 0; r < 4; r++)
        {
            for (int j = 0; j < 4; j++)
                tile[r * 4 + j] = load ? c[r * ldc + j] : default;
        }

        for (; kc > 0; kc--)
        {
            for (int r = 0; r < 4; r++)
            {
                T ar = a[r];
                tile[r * 4 + 0] = MatMulFma.Fma(ar, b[0], tile[r * 4 + 0]);
                tile[r * 4 + 1] = MatMulFma.Fma(ar, b[1], tile[r * 4 + 1]);
                tile[r * 4 + 2] = MatMulFma.Fma(ar, b[2], tile[r * 4 + 2]);
                tile[r * 4 + 3] = MatMulFma.Fma(ar, b[3], tile[r * 4 + 3]);
            }
            a += 4;
            b += bStride;
        }

        for (int r = 0; r < 4; r++)
        {
            for (int j = 0; j < 4; j++)
                c[r * ldc + j] = tile[r * 4 + j];
        }
    }
}

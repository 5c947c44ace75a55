using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Backprop.Kernels;

/// <summary>
/// The AVX2/FMA micro-kernel: 6 rows × 2 <see cref="Vector256{T}"/> columns (6 × 16 floats,
/// 6 × 8 doubles); 12 accumulators, two B vectors and a broadcast fill 15 of the 16 ymm registers.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
internal readonly unsafe struct MatMulMicroKernel256<T> : IMatMulMicroKernel<T> where T : unmanaged
{
    /// <inheritdoc/>
    public static int Rows => 6;

    /// <inheritdoc/>
    public static int Columns => 2 * Vector256<T>.Count;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(nint kc, T* a, T* b, nint bStride, T* c, nint ldc, bool load)
    {
        nint w = Vector256<T>.Count;
        Vector256<T> c00, c01;
        Vector256<T> c10, c11;
        Vector256<T> c20, c21;
        Vector256<T> c30, c31;
        Vector256<T> c40, c41;
        Vector256<T> c50, c51;
        if (load)
        {
            c00 = Vector256.Load(c + 0 * ldc); c01 = Vector256.Load(c + 0 * ldc + w);
            c10 = Vector256.Load(c + 1 * ldc); c11 = Vector256.Load(c + 1 * ldc + w);
            c20 = Vector256.Load(c + 2 * ldc); c21 = Vector256.Load(c + 2 * ldc + w);
            c30 = Vector256.Load(c + 3 * ldc); c31 = Vector256.Load(c + 3 * ldc + w);
            c40 = Vector256.Load(c + 4 * ldc); c41 = Vector256.Load(c + 4 * ldc + w);
            c50 = Vector256.Load(c + 5 * ldc); c51 = Vector256.Load(c + 5 * ldc + w);
        }
        else
        {
            c00 = Vector256<T>.Zero; c01 = Vector256<T>.Zero;
            c10 = Vector256<T>.Zero; c11 = Vector256<T>.Zero;
            c20 = Vector256<T>.Zero; c21 = Vector256<T>.Zero;
            c30 = Vector256<T>.Zero; c31 = Vector256<T>.Zero;
            c40 = Vector256<T>.Zero; c41 = Vector256<T>.Zero;
            c50 = Vector256<T>.Zero; c51 = Vector256<T>.Zero;
        }

        for (; kc > 0; kc--)
        {
            Vector256<T> b0 = Vector256.Load(b), b1 = Vector256.Load(b + w);
            Vector256<T> ar;
            ar = Vector256.Create(a[0]); c00 = MatMulFma.Fma(ar, b0, c00); c01 = MatMulFma.Fma(ar, b1, c01);
            ar = Vector256.Create(a[1]); c10 = MatMulFma.Fma(ar, b0, c10); c11 = MatMulFma.Fma(ar, b1, c11);
            ar = Vector256.Create(a[2]); c20 = MatMulFma.Fma(ar, b0, c20); c21 = MatMulFma.Fma(ar, b1, c21);
            ar = Vector256.Create(a[3]); c30 = MatMulFma.Fma(ar, b0, c30); c31 = MatMulFma.Fma(ar, b1, c31);
            ar = Vector256.Create(a[4]); c40 = MatMulFma.Fma(ar, b0, c40); c41 = MatMulFma.Fma(ar, b1, c41);
            ar = Vector256.Create(a[5]); c50 = MatMulFma.Fma(ar, b0, c50); c51 = MatMulFma.Fma(ar, b1, c51);
            a += 6;
            b += bStride;
        }

        c00.Store(c + 0 * ldc); c01.Store(c + 0 * ldc + w);
        c10.Store(c + 1 * ldc); c11.Store(c + 1 * ldc + w);
        c20.Store(c + 2 * ldc); c21.Store(c + 2 * ldc + w);
        c30.Store(c + 3 * ldc); c31.Store(c + 3 * ldc + w);
        c40.Store(c + 4 * ldc); c41.Store(c + 4 * ldc + w);
        c50.Store(c + 5 * ldc); c51.Store(c + 5 * ldc + w);
    }

    /// <summary>
    /// The last rows of a block of A whose height is not a multiple of six (a batch of 128 leaves
    /// two): two rows at a time, then one, each pass over the B panel again, instead of a whole
    /// six-row tile computed aside and two rows copied out of it.
    /// </summary>
    public static bool RunRows(nint kc, T* a, T* b, nint bStride, T* c, nint ldc, bool load, int rows)
    {
        int r = 0;
        for (; r + 2 <= rows; r += 2)
            TwoRows(kc, a + r, b, bStride, c + r * ldc, ldc, load);
        if (r < rows)
            OneRow(kc, a + r, b, bStride, c + r * ldc, load);
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TwoRows(nint kc, T* a, T* b, nint bStride, T* c, nint ldc, bool load)
    {
        nint w = Vector256<T>.Count;
        Vector256<T> c00 = Vector256<T>.Zero, c01 = Vector256<T>.Zero, c10 = Vector256<T>.Zero, c11 = Vector256<T>.Zero;
        if (load)
        {
            c00 = Vector256.Load(c); c01 = Vector256.Load(c + w);
            c10 = Vector256.Load(c + ldc); c11 = Vector256.Load(c + ldc + w);
        }
        for (; kc > 0; kc--)
        {
            Vector256<T> b0 = Vector256.Load(b), b1 = Vector256.Load(b + w);
            Vector256<T> ar = Vector256.Create(a[0]);
            c00 = MatMulFma.Fma(ar, b0, c00); c01 = MatMulFma.Fma(ar, b1, c01);
            ar = Vector256.Create(a[1]);
            c10 = MatMulFma.Fma(ar, b0, c10); c11 = MatMulFma.Fma(ar, b1, c11);
            a += 6;
            b += bStride;
        }
        c00.Store(c); c01.Store(c + w);
        c10.Store(c + ldc); c11.Store(c + ldc + w);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void OneRow(nint kc, T* a, T* b, nint bStride, T* c, bool load)
    {
        nint w = Vector256<T>.Count;
        Vector256<T> c00 = Vector256<T>.Zero, c01 = Vector256<T>.Zero;
        if (load)
        {
            c00 = Vector256.Load(c); c01 = Vector256.Load(c + w);
        }
        for (; kc > 0; kc--)
        {
            Vector256<T> ar = Vector256.Create(a[0]);
            c00 = MatMulFma.Fma(ar, Vector256.Load(b), c00); c01 = MatMulFma.Fma(ar, Vector256.Load(b + w), c01);
            a += 6;
            b += bStride;
        }
        c00.Store(c); c01.Store(c + w);
    }
}

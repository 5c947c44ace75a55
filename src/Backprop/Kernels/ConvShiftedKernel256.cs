using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Backprop.Kernels;

/// <summary>
/// <see cref="MatMulMicroKernel256{T}"/> with the column matrix read in place: a tap's row is
/// a shifted view of zero-padded planes (<see cref="ConvShifted{T, TKernel}"/>), instead of a
/// packed panel. The same 6 × 2-vector tile, the same chain per element.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
internal static unsafe class ConvShiftedKernel256<T> where T : unmanaged
{
    /// <summary>
    /// <c>c[r*ldc + j] = (load ? c[r*ldc + j] : 0) + Σ_p a[p*6 + r]·b[offsets[p] + j]</c> for
    /// r &lt; 6 and j &lt; 2 vectors, one fused multiply-add chain per element, p in order.
    /// </summary>
    /// <param name="kc">The depth (≥ 1).</param>
    /// <param name="a">The packed A panel: for each p, 6 values.</param>
    /// <param name="b">Where the offsets count from.</param>
    /// <param name="offsets">Row p of B starts at <c>b + offsets[p]</c>; any alignment.</param>
    /// <param name="c">The top-left element of the tile.</param>
    /// <param name="ldc">The distance between rows of C.</param>
    /// <param name="load">Start from the tile's values instead of zero.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(nint kc, T* a, T* b, int* offsets, T* c, nint ldc, bool load)
    {
        nint w = Vector256<T>.Count;
        Vector256<T> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
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
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = Vector256<T>.Zero;
        }

        for (nint p = 0; p < kc; p++)
        {
            T* row = b + offsets[p];
            Vector256<T> b0 = Vector256.Load(row), b1 = Vector256.Load(row + w);
            Vector256<T> ar;
            ar = Vector256.Create(a[0]); c00 = MatMulFma.Fma(ar, b0, c00); c01 = MatMulFma.Fma(ar, b1, c01);
            ar = Vector256.Create(a[1]); c10 = MatMulFma.Fma(ar, b0, c10); c11 = MatMulFma.Fma(ar, b1, c11);
            ar = Vector256.Create(a[2]); c20 = MatMulFma.Fma(ar, b0, c20); c21 = MatMulFma.Fma(ar, b1, c21);
            ar = Vector256.Create(a[3]); c30 = MatMulFma.Fma(ar, b0, c30); c31 = MatMulFma.Fma(ar, b1, c31);
            ar = Vector256.Create(a[4]); c40 = MatMulFma.Fma(ar, b0, c40); c41 = MatMulFma.Fma(ar, b1, c41);
            ar = Vector256.Create(a[5]); c50 = MatMulFma.Fma(ar, b0, c50); c51 = MatMulFma.Fma(ar, b1, c51);
            a += 6;
        }

        c00.Store(c + 0 * ldc); c01.Store(c + 0 * ldc + w);
        c10.Store(c + 1 * ldc); c11.Store(c + 1 * ldc + w);
        c20.Store(c + 2 * ldc); c21.Store(c + 2 * ldc + w);
        c30.Store(c + 3 * ldc); c31.Store(c + 3 * ldc + w);
        c40.Store(c + 4 * ldc); c41.Store(c + 4 * ldc + w);
        c50.Store(c + 5 * ldc); c51.Store(c + 5 * ldc + w);
    }
    /// <summary>
    /// The weight gradient's tile, transposed: <c>c[r*ldc + j] = (load ? c[r*ldc + j] : 0) +
    /// Σ_row Σ_q a[offsets[r] + row·aStride + q]·b[(row·width + q)·NR + j]</c> for 6 taps r and
    /// NR = 2 vectors of output channels j, one fused multiply-add chain per element over the
    /// positions (row, q) in order.
    /// </summary>
    /// <param name="a">The padded planes.</param>
    /// <param name="offsets">The 6 taps' offsets in <paramref name="a"/>.</param>
    /// <param name="rows">Output rows.</param>
    /// <param name="width">Positions in each output row.</param>
    /// <param name="aStride">The distance between output rows in <paramref name="a"/> (the padded width).</param>
    /// <param name="b">The output gradient, transposed into a panel: for each position, NR channels.</param>
    /// <param name="c">The top-left element of the tile.</param>
    /// <param name="ldc">The distance between rows (taps) of C.</param>
    /// <param name="load">Start from the tile's values instead of zero.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RunTaps(T* a, int* offsets, nint rows, nint width, nint aStride, T* b, T* c, nint ldc, bool load)
    {
        nint w = Vector256<T>.Count;
        Vector256<T> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
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
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = Vector256<T>.Zero;
        }

        T* a0 = a + offsets[0], a1 = a + offsets[1], a2 = a + offsets[2], a3 = a + offsets[3], a4 = a + offsets[4], a5 = a + offsets[5];
        for (nint row = 0; row < rows; row++)
        {
            for (nint q = 0; q < width; q++)
            {
                Vector256<T> b0 = Vector256.Load(b), b1 = Vector256.Load(b + w);
                Vector256<T> ar;
                ar = Vector256.Create(a0[q]); c00 = MatMulFma.Fma(ar, b0, c00); c01 = MatMulFma.Fma(ar, b1, c01);
                ar = Vector256.Create(a1[q]); c10 = MatMulFma.Fma(ar, b0, c10); c11 = MatMulFma.Fma(ar, b1, c11);
                ar = Vector256.Create(a2[q]); c20 = MatMulFma.Fma(ar, b0, c20); c21 = MatMulFma.Fma(ar, b1, c21);
                ar = Vector256.Create(a3[q]); c30 = MatMulFma.Fma(ar, b0, c30); c31 = MatMulFma.Fma(ar, b1, c31);
                ar = Vector256.Create(a4[q]); c40 = MatMulFma.Fma(ar, b0, c40); c41 = MatMulFma.Fma(ar, b1, c41);
                ar = Vector256.Create(a5[q]); c50 = MatMulFma.Fma(ar, b0, c50); c51 = MatMulFma.Fma(ar, b1, c51);
                b += 2 * w;
            }
            a0 += aStride; a1 += aStride; a2 += aStride; a3 += aStride; a4 += aStride; a5 += aStride;
        }

        c00.Store(c + 0 * ldc); c01.Store(c + 0 * ldc + w);
        c10.Store(c + 1 * ldc); c11.Store(c + 1 * ldc + w);
        c20.Store(c + 2 * ldc); c21.Store(c + 2 * ldc + w);
        c30.Store(c + 3 * ldc); c31.Store(c + 3 * ldc + w);
        c40.Store(c + 4 * ldc); c41.Store(c + 4 * ldc + w);
        c50.Store(c + 5 * ldc); c51.Store(c + 5 * ldc + w);
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Backprop.Kernels;

/// <summary>
/// The AVX-512 micro-kernel: 12 rows × 2 <see cref="Vector512{T}"/> columns (12 × 32 floats,
/// 12 × 16 doubles); 24 accumulators, two B vectors and a broadcast fill 27 of the 32 zmm registers.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
internal readonly unsafe struct MatMulMicroKernel512<T> : IMatMulMicroKernel<T> where T : unmanaged
{
    /// <inheritdoc/>
    public static int Rows => 12;

    /// <inheritdoc/>
    public static int Columns => 2 * Vector512<T>.Count;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(nint kc, T* a, T* b, nint bStride, T* c, nint ldc, bool load)
    {
        nint w = Vector512<T>.Count;
        Vector512<T> c00, c01;
        Vector512<T> c10, c11;
        Vector512<T> c20, c21;
        Vector512<T> c30, c31;
        Vector512<T> c40, c41;
        Vector512<T> c50, c51;
        Vector512<T> c60, c61;
        Vector512<T> c70, c71;
        Vector512<T> c80, c81;
        Vector512<T> c90, c91;
        Vector512<T> c100, c101;
        Vector512<T> c110, c111;
        if (load)
        {
            c00 = Vector512.Load(c + 0 * ldc); c01 = Vector512.Load(c + 0 * ldc + w);
            c10 = Vector512.Load(c + 1 * ldc); c11 = Vector512.Load(c + 1 * ldc + w);
            c20 = Vector512.Load(c + 2 * ldc); c21 = Vector512.Load(c + 2 * ldc + w);
            c30 = Vector512.Load(c + 3 * ldc); c31 = Vector512.Load(c + 3 * ldc + w);
            c40 = Vector512.Load(c + 4 * ldc); c41 = Vector512.Load(c + 4 * ldc + w);
            c50 = Vector512.Load(c + 5 * ldc); c51 = Vector512.Load(c + 5 * ldc + w);
            c60 = Vector512.Load(c + 6 * ldc); c61 = Vector512.Load(c + 6 * ldc + w);
            c70 = Vector512.Load(c + 7 * ldc); c71 = Vector512.Load(c + 7 * ldc + w);
            c80 = Vector512.Load(c + 8 * ldc); c81 = Vector512.Load(c + 8 * ldc + w);
            c90 = Vector512.Load(c + 9 * ldc); c91 = Vector512.Load(c + 9 * ldc + w);
            c100 = Vector512.Load(c + 10 * ldc); c101 = Vector512.Load(c + 10 * ldc + w);
            c110 = Vector512.Load(c + 11 * ldc); c111 = Vector512.Load(c + 11 * ldc + w);
        }
        else
        {
            c00 = Vector512<T>.Zero; c01 = Vector512<T>.Zero;
            c10 = Vector512<T>.Zero; c11 = Vector512<T>.Zero;
            c20 = Vector512<T>.Zero; c21 = Vector512<T>.Zero;
            c30 = Vector512<T>.Zero; c31 = Vector512<T>.Zero;
            c40 = Vector512<T>.Zero; c41 = Vector512<T>.Zero;
            c50 = Vector512<T>.Zero; c51 = Vector512<T>.Zero;
            c60 = Vector512<T>.Zero; c61 = Vector512<T>.Zero;
            c70 = Vector512<T>.Zero; c71 = Vector512<T>.Zero;
            c80 = Vector512<T>.Zero; c81 = Vector512<T>.Zero;
            c90 = Vector512<T>.Zero; c91 = Vector512<T>.Zero;
            c100 = Vector512<T>.Zero; c101 = Vector512<T>.Zero;
            c110 = Vector512<T>.Zero; c111 = Vector512<T>.Zero;
        }

        for (; kc > 0; kc--)
        {
            Vector512<T> b0 = Vector512.Load(b), b1 = Vector512.Load(b + w);
            Vector512<T> ar;
            ar = Vector512.Create(a[0]); c00 = MatMulFma.Fma(ar, b0, c00); c01 = MatMulFma.Fma(ar, b1, c01);
            ar = Vector512.Create(a[1]); c10 = MatMulFma.Fma(ar, b0, c10); c11 = MatMulFma.Fma(ar, b1, c11);
            ar = Vector512.Create(a[2]); c20 = MatMulFma.Fma(ar, b0, c20); c21 = MatMulFma.Fma(ar, b1, c21);
            ar = Vector512.Create(a[3]); c30 = MatMulFma.Fma(ar, b0, c30); c31 = MatMulFma.Fma(ar, b1, c31);
            ar = Vector512.Create(a[4]); c40 = MatMulFma.Fma(ar, b0, c40); c41 = MatMulFma.Fma(ar, b1, c41);
            ar = Vector512.Create(a[5]); c50 = MatMulFma.Fma(ar, b0, c50); c51 = MatMulFma.Fma(ar, b1, c51);
            ar = Vector512.Create(a[6]); c60 = MatMulFma.Fma(ar, b0, c60); c61 = MatMulFma.Fma(ar, b1, c61);
            ar = Vector512.Create(a[7]); c70 = MatMulFma.Fma(ar, b0, c70); c71 = MatMulFma.Fma(ar, b1, c71);
            ar = Vector512.Create(a[8]); c80 = MatMulFma.Fma(ar, b0, c80); c81 = MatMulFma.Fma(ar, b1, c81);
            ar = Vector512.Create(a[9]); c90 = MatMulFma.Fma(ar, b0, c90); c91 = MatMulFma.Fma(ar, b1, c91);
            ar = Vector512.Create(a[10]); c100 = MatMulFma.Fma(ar, b0, c100); c101 = MatMulFma.Fma(ar, b1, c101);
            ar = Vector512.Create(a[11]); c110 = MatMulFma.Fma(ar, b0, c110); c111 = MatMulFma.Fma(ar, b1, c111);
            a += 12;
            b += bStride;
        }

        c00.Store(c + 0 * ldc); c01.Store(c + 0 * ldc + w);
        c10.Store(c + 1 * ldc); c11.Store(c + 1 * ldc + w);
        c20.Store(c + 2 * ldc); c21.Store(c + 2 * ldc + w);
        c30.Store(c + 3 * ldc); c31.Store(c + 3 * ldc + w);
        c40.Store(c + 4 * ldc); c41.Store(c + 4 * ldc + w);
        c50.Store(c + 5 * ldc); c51.Store(c + 5 * ldc + w);
        c60.Store(c + 6 * ldc); c61.Store(c + 6 * ldc + w);
        c70.Store(c + 7 * ldc); c71.Store(c + 7 * ldc + w);
        c80.Store(c + 8 * ldc); c81.Store(c + 8 * ldc + w);
        c90.Store(c + 9 * ldc); c91.Store(c + 9 * ldc + w);
        c100.Store(c + 10 * ldc); c101.Store(c + 10 * ldc + w);
        c110.Store(c + 11 * ldc); c111.Store(c + 11 * ldc + w);
    }
}

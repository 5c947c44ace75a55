using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Backprop.Kernels;

/// <summary>
/// A register-blocked matrix-multiply micro-kernel: it multiplies a packed
/// <see cref="Rows"/>-row panel of A by a packed <see cref="Columns"/>-column panel of B and
/// writes the <see cref="Rows"/> × <see cref="Columns"/> tile of C, holding the whole tile in
/// registers while it runs.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// Each element of the tile is one fused multiply-add chain over <c>p = 0 … kc-1</c> in order,
/// starting from zero (or from the element of C when <c>load</c> is set):
/// <c>c = fma(a[p], b[p], c)</c>. Every implementation keeps that order, so the result of an
/// element never depends on where its tile lies, on the block sizes or on the thread count.
/// </remarks>
internal unsafe interface IMatMulMicroKernel<T> where T : unmanaged
{
    /// <summary>MR: the rows of a tile, the rows interleaved in a packed A panel.</summary>
    static abstract int Rows { get; }

    /// <summary>NR: the columns of a tile, the columns interleaved in a packed B panel.</summary>
    static abstract int Columns { get; }

    /// <summary>
    /// Computes <c>c[r*ldc + j] = (load ? c[r*ldc + j] : 0) + Σ_p a[p*MR + r]·b[p*bStride + j]</c>
    /// for the full tile, as one fused multiply-add chain per element.
    /// </summary>
    /// <param name="kc">The depth of the panels (≥ 1).</param>
    /// <param name="a">The packed A panel: for each p, MR values (one per row).</param>
    /// <param name="b">The B panel: for each p, NR contiguous values (one per column).</param>
    /// <param name="bStride">The distance between consecutive p in <paramref name="b"/>: NR when packed, the row stride of B when read in place.</param>
    /// <param name="c">The top-left element of the tile in C.</param>
    /// <param name="ldc">The distance, in elements, between rows of C.</param>
    /// <param name="load">Start from the tile's values instead of zero.</param>
    static abstract void Run(nint kc, T* a, T* b, nint bStride, T* c, nint ldc, bool load);

    /// <summary>
    /// <see cref="Run"/> for only the first <paramref name="rows"/> rows (1 ≤ rows &lt; MR) of a
    /// tile whose NR columns are all in C, written straight into C (the same chain per element);
    /// or <see langword="false"/>, and nothing done, where the kernel has no such path (the
    /// caller then computes a whole tile aside and copies the rows out).
    /// </summary>
    static virtual bool RunRows(nint kc, T* a, T* b, nint bStride, T* c, nint ldc, bool load, int rows) => false;
}

/// <summary>Fused multiply-add on vectors of <see cref="float"/> or <see cref="double"/>, one rounding.</summary>
internal static class MatMulFma
{
    /// <summary><c>a·b + c</c> with a single rounding (vfmadd231 on x64, fmla on Arm64).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Fma<T>(Vector512<T> a, Vector512<T> b, Vector512<T> c)
    {
        if (typeof(T) == typeof(float))
            return Vector512.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        return Vector512.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
    }

    /// <inheritdoc cref="Fma{T}(Vector512{T}, Vector512{T}, Vector512{T})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Fma<T>(Vector256<T> a, Vector256<T> b, Vector256<T> c)
    {
        if (typeof(T) == typeof(float))
            return Vector256.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        return Vector256.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
    }

    /// <inheritdoc cref="Fma{T}(Vector512{T}, Vector512{T}, Vector512{T})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Fma<T>(Vector128<T> a, Vector128<T> b, Vector128<T> c)
    {
        if (typeof(T) == typeof(float))
            return Vector128.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        return Vector128.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
    }

    /// <summary><c>a·b + c</c> on scalars with a single rounding.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Fma<T>(T a, T b, T c)
    {
        if (typeof(T) == typeof(float))
        {
            float r = MathF.FusedMultiplyAdd(Unsafe.BitCast<T, float>(a), Unsafe.BitCast<T, float>(b), Unsafe.BitCast<T, float>(c));
            return Unsafe.BitCast<float, T>(r);
        }
        double d = Math.FusedMultiplyAdd(Unsafe.BitCast<T, double>(a), Unsafe.BitCast<T, double>(b), Unsafe.BitCast<T, double>(c));
        return Unsafe.BitCast<double, T>(d);
    }
}

using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Backprop.Kernels;

/// <summary>A comparison, as a vector operation and a scalar one that agree (NaN compares false).</summary>
internal interface IComparison
{
    static abstract Vector256<T> Vector<T>(Vector256<T> x, Vector256<T> y) where T : unmanaged, IFloatingPointIeee754<T>;
    static abstract bool Scalar<T>(T x, T y) where T : unmanaged, IFloatingPointIeee754<T>;
}

internal readonly struct Greater : IComparison
{
    public static Vector256<T> Vector<T>(Vector256<T> x, Vector256<T> y) where T : unmanaged, IFloatingPointIeee754<T> => Vector256.GreaterThan(x, y);
    public static bool Scalar<T>(T x, T y) where T : unmanaged, IFloatingPointIeee754<T> => x > y;
}

internal readonly struct Less : IComparison
{
    public static Vector256<T> Vector<T>(Vector256<T> x, Vector256<T> y) where T : unmanaged, IFloatingPointIeee754<T> => Vector256.LessThan(x, y);
    public static bool Scalar<T>(T x, T y) where T : unmanaged, IFloatingPointIeee754<T> => x < y;
}

internal readonly struct Equal : IComparison
{
    public static Vector256<T> Vector<T>(Vector256<T> x, Vector256<T> y) where T : unmanaged, IFloatingPointIeee754<T> => Vector256.Equals(x, y);
    public static bool Scalar<T>(T x, T y) where T : unmanaged, IFloatingPointIeee754<T> => x == y;
}

/// <summary>
/// Masks of 0 and 1 from comparisons, 256 bits at a time (the comparison's all-ones lanes
/// select 1, the rest 0), with a scalar loop for the tail.
/// </summary>
internal static class Masks
{
    /// <summary><c>d[i] = compare(x[i], y[i]) ? 1 : 0</c>.</summary>
    public static void Compare<T, TCompare>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d)
        where T : unmanaged, IFloatingPointIeee754<T> where TCompare : IComparison
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref T xs = ref MemoryMarshal.GetReference(x), ys = ref MemoryMarshal.GetReference(y), ds = ref MemoryMarshal.GetReference(d);
            for (; i + Vector256<T>.Count <= d.Length; i += Vector256<T>.Count)
            {
                Vector256<T> mask = TCompare.Vector(Vector256.LoadUnsafe(ref xs, (nuint)i), Vector256.LoadUnsafe(ref ys, (nuint)i));
                (mask & Vector256<T>.One).StoreUnsafe(ref ds, (nuint)i);
            }
        }
        for (; i < d.Length; i++) d[i] = TCompare.Scalar(x[i], y[i]) ? T.One : T.Zero;
    }

    /// <summary><c>d[i] = compare(x[i], y) ? 1 : 0</c>.</summary>
    public static void Compare<T, TCompare>(ReadOnlySpan<T> x, T y, Span<T> d)
        where T : unmanaged, IFloatingPointIeee754<T> where TCompare : IComparison
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref T xs = ref MemoryMarshal.GetReference(x), ds = ref MemoryMarshal.GetReference(d);
            Vector256<T> yv = Vector256.Create(y);
            for (; i + Vector256<T>.Count <= d.Length; i += Vector256<T>.Count)
            {
                Vector256<T> mask = TCompare.Vector(Vector256.LoadUnsafe(ref xs, (nuint)i), yv);
                (mask & Vector256<T>.One).StoreUnsafe(ref ds, (nuint)i);
            }
        }
        for (; i < d.Length; i++) d[i] = TCompare.Scalar(x[i], y) ? T.One : T.Zero;
    }

    /// <summary>
    /// <c>d[i] = y[i] &gt; 0 ? x[i] : 0</c> (+0, whatever x[i] is, infinite or NaN included): the
    /// comparison's all-ones lanes keep x's bits, the others clear them.
    /// </summary>
    public static void KeepWherePositive<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref T xs = ref MemoryMarshal.GetReference(x), ys = ref MemoryMarshal.GetReference(y), ds = ref MemoryMarshal.GetReference(d);
            for (; i + Vector256<T>.Count <= d.Length; i += Vector256<T>.Count)
            {
                Vector256<T> keep = Vector256.GreaterThan(Vector256.LoadUnsafe(ref ys, (nuint)i), Vector256<T>.Zero);
                (Vector256.LoadUnsafe(ref xs, (nuint)i) & keep).StoreUnsafe(ref ds, (nuint)i);
            }
        }
        for (; i < d.Length; i++) d[i] = y[i] > T.Zero ? x[i] : T.Zero;
    }
}

using System.Numerics;
using System.Runtime.Intrinsics;

namespace Backprop.Kernels;

/// <summary>
/// The two passes of a fused mean squared error: the squared differences <c>(x - t)²</c>, and
/// the gradient <c>2·(s·(x - t))</c> for a scale s (the upstream gradient, divided by the count
/// for a mean).
/// </summary>
/// <remarks>
/// The roundings are those of the composed loss <c>d = x - t; (d * d).Mean()</c> and of its
/// backward pass (the product's two paths, s·d each, added: exactly 2·(s·d)), so the fused op
/// gives the same bits. NaN and infinity propagate as IEEE arithmetic does. The spans must have
/// one length (the caller checks shapes).
/// </remarks>
internal static class SquaredErrorKernel
{
    /// <summary><c>into[i] = (x[i] - t[i])²</c>.</summary>
    public static void Squares<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> t, Span<T> into) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
        {
            for (; i + Vector256<T>.Count <= into.Length; i += Vector256<T>.Count)
            {
                Vector256<T> d = Vector256.Create(x.Slice(i, Vector256<T>.Count)) - Vector256.Create(t.Slice(i, Vector256<T>.Count));
                (d * d).CopyTo(into.Slice(i));
            }
        }
        for (; i < into.Length; i++)
        {
            T d = x[i] - t[i];
            into[i] = d * d;
        }
    }

    /// <summary><c>into[i] = 2·(scale·(x[i] - t[i]))</c>: the gradient of a summed or averaged squared error.</summary>
    public static void Gradient<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> t, T scale, Span<T> into) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
        {
            Vector256<T> s = Vector256.Create(scale);
            for (; i + Vector256<T>.Count <= into.Length; i += Vector256<T>.Count)
            {
                Vector256<T> p = s * (Vector256.Create(x.Slice(i, Vector256<T>.Count)) - Vector256.Create(t.Slice(i, Vector256<T>.Count)));
                (p + p).CopyTo(into.Slice(i));
            }
        }
        for (; i < into.Length; i++)
        {
            T p = scale * (x[i] - t[i]);
            into[i] = p + p;
        }
    }

    /// <summary><c>into[i] = 2·(g[i]·(x[i] - t[i]))</c>: the gradient of the unreduced squared error.</summary>
    public static void Gradient<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> t, ReadOnlySpan<T> g, Span<T> into) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < into.Length; i++)
        {
            T p = g[i] * (x[i] - t[i]);
            into[i] = p + p;
        }
    }
}

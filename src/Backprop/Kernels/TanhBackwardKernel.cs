using System.Numerics;
using System.Runtime.Intrinsics;

namespace Backprop.Kernels;

/// <summary>
/// tanh's backward in one pass: <c>d = g · (1 - y·y)</c>, with g the incoming gradient and y
/// tanh's output.
/// </summary>
/// <remarks>
/// The three roundings are those of the composed <c>g * (1 - y * y)</c> (y·y, then 1 minus it,
/// then the product; no fused multiply-add), so the result is bit-identical to it while reading
/// the operands once and writing once instead of three times. NaN propagates; an infinite
/// gradient times a saturated unit (1 - y² = 0) is NaN, as in the composed form.
/// </remarks>
internal readonly struct TanhBackwardKernel : IBinaryKernel
{
    /// <summary><c>d[i] = x[i] · (1 - y[i]²)</c> (x the gradient, y tanh's output); the spans have one length.</summary>
    public static void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
        {
            Vector256<T> one = Vector256<T>.One;
            for (; i + Vector256<T>.Count <= d.Length; i += Vector256<T>.Count)
            {
                Vector256<T> yv = Vector256.Create(y.Slice(i, Vector256<T>.Count));
                (Vector256.Create(x.Slice(i, Vector256<T>.Count)) * (one - yv * yv)).CopyTo(d.Slice(i));
            }
        }
        for (; i < d.Length; i++) d[i] = x[i] * (T.One - y[i] * y[i]);
    }

    /// <summary><c>d[i] = x[i] · (1 - y²)</c>.</summary>
    public static void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T slope = T.One - y * y;
        for (int i = 0; i < d.Length; i++) d[i] = x[i] * slope;
    }

    /// <summary><c>d[i] = x · (1 - y[i]²)</c>.</summary>
    public static void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < d.Length; i++) d[i] = x * (T.One - y[i] * y[i]);
    }
}

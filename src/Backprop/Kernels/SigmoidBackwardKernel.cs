using System.Numerics;
using System.Runtime.Intrinsics;

namespace Backprop.Kernels;

/// <summary>
/// The logistic function's backward in one pass: <c>d = (g · y) · (1 - y)</c>, with g the
/// incoming gradient and y the function's output.
/// </summary>
/// <remarks>
/// The roundings are those of the composed <c>g * y * (1 - y)</c> (g·y, 1 - y, then their
/// product; no fused multiply-add), so the result is bit-identical to it while reading the
/// operands once. NaN propagates as in the composed form.
/// </remarks>
internal readonly struct SigmoidBackwardKernel : IBinaryKernel
{
    /// <summary><c>d[i] = (x[i] · y[i]) · (1 - y[i])</c> (x the gradient, y the output); the spans have one length.</summary>
    public static void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
        {
            Vector256<T> one = Vector256<T>.One;
            for (; i + Vector256<T>.Count <= d.Length; i += Vector256<T>.Count)
            {
                Vector256<T> yv = Vector256.Create(y.Slice(i, Vector256<T>.Count));
                (Vector256.Create(x.Slice(i, Vector256<T>.Count)) * yv * (one - yv)).CopyTo(d.Slice(i));
            }
        }
        for (; i < d.Length; i++) d[i] = x[i] * y[i] * (T.One - y[i]);
    }

    /// <summary><c>d[i] = (x[i] · y) · (1 - y)</c>.</summary>
    public static void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T rest = T.One - y;
        for (int i = 0; i < d.Length; i++) d[i] = x[i] * y * rest;
    }

    /// <summary><c>d[i] = (x · y[i]) · (1 - y[i])</c>.</summary>
    public static void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < d.Length; i++) d[i] = x * y[i] * (T.One - y[i]);
    }
}

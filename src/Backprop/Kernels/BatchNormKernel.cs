using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace Backprop.Kernels;

/// <summary>
/// Batch normalisation with the batch's own statistics (training mode) and its backward pass,
/// over a contiguous [N, C, P] layout (P = H·W for BatchNorm2d, 1 for BatchNorm1d): each
/// channel's N·P values are normalised together. Two passes forward (statistics, then
/// <c>y = (x - mean) / √(var + ε) · γ + β</c>) and two backward, instead of the dozen
/// whole-tensor ops, permuted copies and broadcast reductions of the composed formula.
/// </summary>
/// <remarks>
/// <para>
/// Statistics are sums in double of each plane's float (or double) sum, in batch order: the
/// mean, then the biased variance as the mean of squared deviations (two passes, never
/// E[x²] − E[x]², which cancels). The normalised value is computed in the element type in the
/// composed formula's order (subtract, divide, multiply, add; never fused).
/// </para>
/// <para>
/// Backward, with x̂ = (x − mean) / σ and n = N·P: dβ = Σ dy, dγ = Σ dy·x̂, and
/// dx = γ/σ · (dy − dβ/n − x̂·dγ/n) (the usual closed form; PyTorch's too).
/// </para>
/// <para>
/// Channels are independent, so they may run on several threads; each channel's sums run in a
/// fixed order on one thread, so results are bit-identical for any thread count. NaN and
/// infinity propagate through the sums to the whole channel, as they do through the composed
/// formula. Spans must match the geometry; an empty batch writes nothing.
/// </para>
/// </remarks>
internal static class BatchNormKernel
{
    /// <summary>Elements below which the channels run one after another on the calling thread.</summary>
    private const int ParallelThreshold = 1 << 16;

    /// <summary>
    /// Normalises <paramref name="x"/> into <paramref name="y"/> and returns each channel's mean and
    /// σ = √(var + ε) (in <paramref name="mean"/>, <paramref name="sigma"/>) and biased variance
    /// (in <paramref name="variance"/>), as the element type.
    /// </summary>
    public static void Forward<T>(ReadOnlyMemory<T> x, ReadOnlyMemory<T> weight, ReadOnlyMemory<T> bias, Memory<T> y,
                                  Memory<T> mean, Memory<T> variance, Memory<T> sigma, int batch, int channels, int plane, double eps)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ForEachChannel(batch, channels, plane, c =>
        {
            ReadOnlySpan<T> xs = x.Span;
            double count = (double)batch * plane, sum = 0;
            for (int n = 0; n < batch; n++) sum += double.CreateTruncating(TensorPrimitives.Sum(xs.Slice(Offset(n, c, channels, plane), plane)));
            T m = T.CreateTruncating(sum / count);
            double squares = 0;
            for (int n = 0; n < batch; n++)
            {
                foreach (T v in xs.Slice(Offset(n, c, channels, plane), plane))
                {
                    double d = double.CreateTruncating(v - m);
                    squares += d * d;
                }
            }
            T var = T.CreateTruncating(squares / count), s = T.Sqrt(var + T.CreateTruncating(eps));
            mean.Span[c] = m;
            variance.Span[c] = var;
            sigma.Span[c] = s;
            Scale(xs, y.Span, m, s, weight, bias, batch, c, channels, plane);
        });
    }

    /// <summary>y = (x - mean) / σ · γ + β over channel <paramref name="c"/>'s planes, each step rounded as the composed formula rounds it.</summary>
    private static void Scale<T>(ReadOnlySpan<T> xs, Span<T> ys, T m, T s, ReadOnlyMemory<T> weight, ReadOnlyMemory<T> bias, int batch, int c, int channels, int plane)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // No γ: times 1 changes nothing. No β: plus -0 changes nothing (not even -0, which + 0 would make +0).
        T w = weight.IsEmpty ? T.One : weight.Span[c], b = bias.IsEmpty ? T.NegativeZero : bias.Span[c];
        for (int n = 0; n < batch; n++)
        {
            int at = Offset(n, c, channels, plane);
            Affine(xs.Slice(at, plane), m, s, w, b, ys.Slice(at, plane));
        }
    }

    /// <summary>
    /// Normalises <paramref name="x"/> into <paramref name="y"/> with given statistics (evaluation
    /// mode: the running mean and variance): σ = √(var + ε) per channel, then
    /// <c>(x - mean) / σ · γ + β</c> in the composed formula's order, so the bits are those of
    /// the composed ops, without their broadcast copies.
    /// </summary>
    public static void Inference<T>(ReadOnlyMemory<T> x, ReadOnlyMemory<T> mean, ReadOnlyMemory<T> variance, ReadOnlyMemory<T> weight,
                                    ReadOnlyMemory<T> bias, Memory<T> y, int batch, int channels, int plane, double eps)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ForEachChannel(batch, channels, plane, c =>
        {
            T m = mean.Span[c], s = T.Sqrt(variance.Span[c] + T.CreateTruncating(eps));
            Scale(x.Span, y.Span, m, s, weight, bias, batch, c, channels, plane);
        });
    }

    /// <summary>
    /// The gradients of the input (into <paramref name="dx"/>) and, when their spans are not
    /// empty, of γ and β, from the output gradient <paramref name="dy"/>, the input and the
    /// forward pass's mean and σ.
    /// </summary>
    public static void Backward<T>(ReadOnlyMemory<T> dy, ReadOnlyMemory<T> x, ReadOnlyMemory<T> weight, ReadOnlyMemory<T> mean, ReadOnlyMemory<T> sigma,
                                   Memory<T> dx, Memory<T> dWeight, Memory<T> dBias, int batch, int channels, int plane)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ForEachChannel(batch, channels, plane, c =>
        {
            ReadOnlySpan<T> g = dy.Span, xs = x.Span;
            T m = mean.Span[c], s = sigma.Span[c];
            T[] normalised = BatchNormBuffers<T>.Plane(plane);
            Span<T> xhat = normalised.AsSpan(0, plane);
            double sumG = 0, sumGx = 0;
            for (int n = 0; n < batch; n++)
            {
                int at = Offset(n, c, channels, plane);
                Normalise(xs.Slice(at, plane), m, s, xhat);
                sumG += double.CreateTruncating(TensorPrimitives.Sum(g.Slice(at, plane)));
                sumGx += double.CreateTruncating(TensorPrimitives.Dot(g.Slice(at, plane), xhat));
            }
            if (!dBias.IsEmpty) dBias.Span[c] = T.CreateTruncating(sumG);
            if (!dWeight.IsEmpty) dWeight.Span[c] = T.CreateTruncating(sumGx);
            double count = (double)batch * plane;
            T w = weight.IsEmpty ? T.One : weight.Span[c];
            T scale = w / s, meanG = T.CreateTruncating(sumG / count), meanGx = T.CreateTruncating(sumGx / count);
            Span<T> dxs = dx.Span;
            for (int n = 0; n < batch; n++)
            {
                int at = Offset(n, c, channels, plane);
                InputGradient(g.Slice(at, plane), xs.Slice(at, plane), m, s, meanG, meanGx, scale, dxs.Slice(at, plane));
            }
        });
    }

    /// <summary>x̂ = (x - mean) / σ into <paramref name="into"/>, subtract then divide (the composed formula's order), so forward and backward see the same x̂.</summary>
    private static void Normalise<T>(ReadOnlySpan<T> x, T mean, T sigma, Span<T> into) where T : unmanaged, IFloatingPointIeee754<T>
    {
        TensorPrimitives.Subtract(x, mean, into);
        TensorPrimitives.Divide(into, sigma, into);
    }

    /// <summary>
    /// y = (x - mean) / σ · γ + β in one pass, each operation rounded on its own as the
    /// composed ops round it.
    /// </summary>
    private static void Affine<T>(ReadOnlySpan<T> x, T mean, T sigma, T gamma, T beta, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
        {
            Vector256<T> m = Vector256.Create(mean), s = Vector256.Create(sigma), w = Vector256.Create(gamma), b = Vector256.Create(beta);
            for (; i + Vector256<T>.Count <= x.Length; i += Vector256<T>.Count)
                ((Vector256.Create(x.Slice(i, Vector256<T>.Count)) - m) / s * w + b).CopyTo(y.Slice(i));
        }
        for (; i < x.Length; i++) y[i] = (x[i] - mean) / sigma * gamma + beta;
    }

    /// <summary>dx = ((dy - mean(dy)) - x̂·mean(dy·x̂)) · γ/σ with x̂ = (x - mean) / σ, in one pass, rounded step by step as before.</summary>
    private static void InputGradient<T>(ReadOnlySpan<T> dy, ReadOnlySpan<T> x, T mean, T sigma, T meanG, T meanGx, T scale, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
        {
            Vector256<T> m = Vector256.Create(mean), s = Vector256.Create(sigma), mg = Vector256.Create(meanG), mgx = Vector256.Create(meanGx), k = Vector256.Create(scale);
            for (; i + Vector256<T>.Count <= x.Length; i += Vector256<T>.Count)
            {
                Vector256<T> xhat = (Vector256.Create(x.Slice(i, Vector256<T>.Count)) - m) / s;
                ((Vector256.Create(dy.Slice(i, Vector256<T>.Count)) - mg - xhat * mgx) * k).CopyTo(dx.Slice(i));
            }
        }
        for (; i < x.Length; i++) dx[i] = (dy[i] - meanG - (x[i] - mean) / sigma * meanGx) * scale;
    }

    private static int Offset(int n, int c, int channels, int plane) => (n * channels + c) * plane;

    /// <summary>Runs <paramref name="channel"/> for every channel: on several threads when the tensor is large (channels are independent).</summary>
    private static void ForEachChannel(int batch, int channels, int plane, Action<int> channel)
    {
        if (Environment.ProcessorCount > 1 && channels > 1 && (long)batch * channels * plane >= ParallelThreshold)
        {
            Parallel.For(0, channels, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, channel);
            return;
        }
        for (int c = 0; c < channels; c++) channel(c);
    }
}

/// <summary>A scratch plane per thread for <see cref="BatchNormKernel.Backward"/> (x̂ of one plane).</summary>
internal static class BatchNormBuffers<T>
{
    [ThreadStatic] private static T[]? t_plane;

    /// <summary>At least <paramref name="length"/> elements, this thread's own.</summary>
    public static T[] Plane(int length) => t_plane is { } p && p.Length >= length ? p : t_plane = new T[Math.Max(length, 64)];
}

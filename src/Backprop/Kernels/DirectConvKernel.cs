using System.Numerics;
using System.Runtime.Intrinsics;

namespace Backprop.Kernels;

/// <summary>
/// Convolutions with stride 1 whose patch is small (a first layer on grey or RGB images, a
/// depthwise layer: at most <see cref="MaxPatch"/> multiply-adds per output), computed directly
/// instead of through im2col and the packed matmul, whose packing and panels cost more than the
/// arithmetic when the patch is a handful of taps.
/// </summary>
/// <remarks>
/// <para>
/// <b>Forward</b> (and the input gradient, which is a convolution of the zero-padded output
/// gradient with the flipped, transposed kernel): each output element is one chain of fused
/// multiply-adds over its patch in (channel, row, column) order, starting from the bias (or
/// zero). That is the chain the packed matmul computes for the same element, so the forward
/// pass gives the same bits on either path. Outputs are computed a row at a time, four vectors
/// wide, from a zero-padded copy of the image's planes (so no tap needs a bounds test).
/// </para>
/// <para>
/// <b>Weight gradient</b>: each weight is a dot product of an output-gradient plane with the
/// zero-padded input plane shifted by the tap; vector lanes accumulate over an image's rows,
/// each image's sums are kept apart, and the images are added in order at the end.
/// </para>
/// <para>
/// <b>Deterministic.</b> Forward and input gradient split images over threads, the weight
/// gradient images too (each image's sums in its own slots); each element is computed in a
/// fixed order, so results are the same for any thread count. Spans are contiguous NCHW tensors and
/// [O, C/G, KH, KW] weights; shapes are the caller's to check.
/// </para>
/// </remarks>
internal static unsafe class DirectConvKernel
{
    /// <summary>The largest patch (multiply-adds per output element) the direct loops take; beyond it the packed matmul reuses data better.</summary>
    public const int MaxPatch = 32;

    /// <summary>Vectors computed side by side along an output row (sharing each weight's broadcast).</summary>
    private const int Unroll = 4;

    /// <summary>Whether the forward pass and the weight gradient (both run over the patch) take the direct loops.</summary>
    public static bool TakesPatch(in ConvGeometry g) => IsStrideOne(g) && g.PatchSize <= MaxPatch;

    /// <summary>
    /// Whether the input gradient takes the direct loops: its patch is the output channels of a
    /// group times the kernel, and the padding must not exceed the kernel's reach (as it never
    /// does for "same" and "valid" padding).
    /// </summary>
    public static bool TakesInputGradient(in ConvGeometry g) =>
        IsStrideOne(g) && g.GroupOutChannels * g.KernelH * g.KernelW <= MaxPatch
        && g.PadTop <= g.DilationH * (g.KernelH - 1) && g.PadLeft <= g.DilationW * (g.KernelW - 1);

    private static bool IsStrideOne(in ConvGeometry g) => g.StrideH == 1 && g.StrideW == 1 && !g.IsPointwise && g.Batch > 0 && g.OutPlane > 0;

    /// <summary><c>output = conv(input, weight) + bias</c>; <paramref name="bias"/> empty for none.</summary>
    public static void Forward<T>(ReadOnlyMemory<T> input, ReadOnlyMemory<T> weight, ReadOnlyMemory<T> bias, Memory<T> output, ConvGeometry g, int threads)
        where T : unmanaged, INumber<T>
    {
        int cg = g.GroupChannels, og = g.GroupOutChannels;
        int padH = g.OutHeight + g.DilationH * (g.KernelH - 1), padW = g.OutWidth + g.DilationW * (g.KernelW - 1);
        ForEach(g.Batch, threads, n =>
        {
            T[] padded = ConvBuffers<T>.Padded(cg * padH * padW + Unroll * Vector256<T>.Count);
            fixed (T* x = input.Span, w = weight.Span, b = bias.Span, y = output.Span, src = padded)
            {
                for (int group = 0; group < g.Groups; group++)
                {
                    T* xGroup = x + ((nint)n * g.Channels + group * cg) * g.Plane;
                    Pad(xGroup, cg, g.Height, g.Width, g.PadTop, g.PadLeft, src, padH, padW);
                    Gather(src, cg, padH, padW, w + (nint)group * og * g.PatchSize, bias.IsEmpty ? null : b + group * og,
                           y + ((nint)n * g.OutChannels + group * og) * g.OutPlane, og, g.OutHeight, g.OutWidth,
                           g.KernelH, g.KernelW, g.DilationH, g.DilationW);
                }
            }
        });
    }

    /// <summary><c>inputGrad</c> = the gradient of the input (every element written): the zero-padded output gradient convolved with the flipped, transposed kernel.</summary>
    public static void InputGradient<T>(ReadOnlyMemory<T> outputGrad, ReadOnlyMemory<T> weight, Memory<T> inputGrad, ConvGeometry g, int threads)
        where T : unmanaged, INumber<T>
    {
        int cg = g.GroupChannels, og = g.GroupOutChannels, kh = g.KernelH, kw = g.KernelW, taps = og * kh * kw;
        // dx[c][r][q] = Σ_o Σ_a Σ_b w[o][c][a][b] · dy[o][r + top - a·dh][q + left - b·dw]: with
        // a' = kh-1-a, b' = kw-1-b, that is a gather from dy padded by (reach - padding) on the top
        // and left, with weight w[o][c][kh-1-a'][kw-1-b'].
        int reachH = g.DilationH * (kh - 1), reachW = g.DilationW * (kw - 1);
        int padH = g.Height + reachH, padW = g.Width + reachW;
        T[] flipped = new T[g.Groups * cg * taps];
        ReadOnlySpan<T> ws = weight.Span;
        for (int group = 0; group < g.Groups; group++)
            for (int c = 0; c < cg; c++)
                for (int o = 0; o < og; o++)
                    for (int a = 0; a < kh; a++)
                        for (int b = 0; b < kw; b++)
                            flipped[((group * cg + c) * og + o) * kh * kw + a * kw + b] = ws[(((group * og + o) * cg + c) * kh + (kh - 1 - a)) * kw + (kw - 1 - b)];
        ForEach(g.Batch, threads, n =>
        {
            T[] padded = ConvBuffers<T>.Padded(og * padH * padW + Unroll * Vector256<T>.Count);
            fixed (T* dy = outputGrad.Span, w = flipped, dx = inputGrad.Span, src = padded)
            {
                for (int group = 0; group < g.Groups; group++)
                {
                    T* dyGroup = dy + ((nint)n * g.OutChannels + group * og) * g.OutPlane;
                    Pad(dyGroup, og, g.OutHeight, g.OutWidth, reachH - g.PadTop, reachW - g.PadLeft, src, padH, padW);
                    Gather(src, og, padH, padW, w + (nint)group * cg * taps, null,
                           dx + ((nint)n * g.Channels + group * cg) * g.Plane, cg, g.Height, g.Width, kh, kw, g.DilationH, g.DilationW);
                }
            }
        });
    }

    /// <summary><c>weightGrad</c> = Σ over images and positions of the output gradient times the input each tap read (every element written).</summary>
    public static void WeightGradient<T>(ReadOnlyMemory<T> input, ReadOnlyMemory<T> outputGrad, Memory<T> weightGrad, ConvGeometry g, int threads)
        where T : unmanaged, INumber<T>
    {
        int k = g.PatchSize, cg = g.GroupChannels, og = g.GroupOutChannels, v = Vector256<T>.Count;
        // Rows of the output gradient are copied to a stride of whole vectors with zeros after
        // them, and the input is padded to match, so every row is whole vectors and the zeros
        // beyond a row meet zeros (never a neighbouring row's value, which could be infinite).
        int rowStride = (g.OutWidth + v - 1) / v * v;
        int padH = g.OutHeight + g.DilationH * (g.KernelH - 1), padW = rowStride + g.DilationW * (g.KernelW - 1);
        // Each image's sums go to their own slots and are added in image order at the end, so
        // the result does not depend on which thread took which image.
        T[] partial = System.Buffers.ArrayPool<T>.Shared.Rent(g.Batch * g.OutChannels * k);
        try
        {
            ForEach(g.Batch, threads, n =>
            {
                T[] padded = ConvBuffers<T>.Padded(cg * padH * padW + g.OutHeight * rowStride);
                Span<T> sums = stackalloc T[MaxPatch * Vector256<T>.Count];
                fixed (T* x = input.Span, dy = outputGrad.Span, src = padded, acc = sums, slots = partial)
                {
                    T* rows = src + (nint)cg * padH * padW;
                    for (int group = 0; group < g.Groups; group++)
                    {
                        Pad(x + ((nint)n * g.Channels + group * cg) * g.Plane, cg, g.Height, g.Width, g.PadTop, g.PadLeft, src, padH, padW);
                        for (int o = group * og; o < (group + 1) * og; o++)
                        {
                            Pad(dy + ((nint)n * g.OutChannels + o) * g.OutPlane, 1, g.OutHeight, g.OutWidth, 0, 0, rows, g.OutHeight, rowStride);
                            Correlate(rows, g.OutHeight, rowStride, src, cg, padH, padW, g.KernelH, g.KernelW, g.DilationH, g.DilationW, acc);
                            T* slot = slots + ((nint)n * g.OutChannels + o) * k;
                            for (int t = 0; t < k; t++) slot[t] = Vector256.Sum(Vector256.Load(acc + (nint)t * v));
                        }
                    }
                }
            });
            Span<T> dw = weightGrad.Span;
            for (int i = 0; i < g.OutChannels * k; i++)
            {
                T sum = T.Zero;
                for (int n = 0; n < g.Batch; n++) sum += partial[(nint)n * g.OutChannels * k + i];
                dw[i] = sum;
            }
        }
        finally
        {
            System.Buffers.ArrayPool<T>.Shared.Return(partial);
        }
    }

    /// <summary>
    /// acc[t] (a vector per tap t = (s, a, b)) = Σ over rows i and whole vectors q of
    /// dy[i][q]·src[s][i + a·dh][q + b·dw], lane by lane: for each row, every tap's chain
    /// advances by the row's vectors, so the taps' chains overlap instead of waiting on each other.
    /// </summary>
    private static void Correlate<T>(T* dy, int rows, int rowStride, T* src, int sources, int srcH, int srcW, int kh, int kw, int dh, int dw, T* acc)
        where T : unmanaged, INumber<T>
    {
        int v = Vector256<T>.Count;
        new Span<T>(acc, sources * kh * kw * v).Clear();
        for (int i = 0; i < rows; i++)
        {
            T* dyRow = dy + (nint)i * rowStride;
            for (int s = 0, t = 0; s < sources; s++)
            {
                for (int a = 0; a < kh; a++)
                {
                    T* line = src + ((nint)s * srcH + i + a * dh) * srcW;
                    for (int b = 0; b < kw; b++, t++)
                    {
                        T* at = line + b * dw;
                        Vector256<T> sum = Vector256.Load(acc + (nint)t * v);
                        for (int q = 0; q < rowStride; q += v) sum = MatMulFma.Fma(Vector256.Load(dyRow + q), Vector256.Load(at + q), sum);
                        sum.Store(acc + (nint)t * v);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Copies <paramref name="planes"/> planes of height×width into <paramref name="dst"/> as
    /// planes of padH×padW with <paramref name="top"/> rows and <paramref name="left"/> columns of
    /// zeros before them and zeros after.
    /// </summary>
    internal static void Pad<T>(T* src, int planes, int height, int width, int top, int left, T* dst, int padH, int padW) where T : unmanaged
    {
        new Span<T>(dst, planes * padH * padW).Clear();
        int rows = Math.Min(height, padH - top), columns = Math.Min(width, padW - left);
        for (int p = 0; p < planes; p++)
            for (int r = 0; r < rows; r++)
                new ReadOnlySpan<T>(src + ((nint)p * height + r) * width, columns).CopyTo(new Span<T>(dst + ((nint)p * padH + top + r) * padW + left, columns));
    }

    /// <summary>
    /// dst[d][i][j] = init[d] (or 0) + Σ over s, a, b of wts[d][s][a][b]·src[s][i + a·dh][j + b·dw],
    /// each element one chain of fused multiply-adds in (s, a, b) order. Rows go four vectors at
    /// a time; lanes past the row's end are computed from the buffer's slack and not stored.
    /// </summary>
    private static void Gather<T>(T* src, int sources, int srcH, int srcW, T* wts, T* init, T* dst, int dests, int oh, int ow, int kh, int kw, int dh, int dw)
        where T : unmanaged, INumber<T>
    {
        int v = Vector256<T>.Count, taps = sources * kh * kw, span = Unroll * v;
        nint srcPlane = (nint)srcH * srcW;
        T* partial = stackalloc T[span];
        for (int d = 0; d < dests; d++)
        {
            T* wd = wts + (nint)d * taps;
            Vector256<T> start = Vector256.Create(init is null ? T.Zero : init[d]);
            T* plane = dst + (nint)d * oh * ow;
            for (int i = 0; i < oh; i++)
            {
                T* row = plane + (nint)i * ow;
                for (int j = 0; j < ow; j += span)
                {
                    Vector256<T> a0 = start, a1 = start, a2 = start, a3 = start;
                    int t = 0;
                    for (int s = 0; s < sources; s++)
                    {
                        for (int a = 0; a < kh; a++)
                        {
                            T* line = src + s * srcPlane + (nint)(i + a * dh) * srcW + j;
                            for (int b = 0; b < kw; b++, t++)
                            {
                                Vector256<T> weightTap = Vector256.Create(wd[t]);
                                T* at = line + b * dw;
                                a0 = MatMulFma.Fma(weightTap, Vector256.Load(at), a0);
                                a1 = MatMulFma.Fma(weightTap, Vector256.Load(at + v), a1);
                                a2 = MatMulFma.Fma(weightTap, Vector256.Load(at + 2 * v), a2);
                                a3 = MatMulFma.Fma(weightTap, Vector256.Load(at + 3 * v), a3);
                            }
                        }
                    }
                    if (j + span <= ow)
                    {
                        a0.Store(row + j); a1.Store(row + j + v); a2.Store(row + j + 2 * v); a3.Store(row + j + 3 * v);
                    }
                    else
                    {
                        // The row ends inside these four vectors: whole vectors go straight to the
                        // row, the lanes of the one it ends in one by one.
                        a0.Store(partial); a1.Store(partial + v); a2.Store(partial + 2 * v); a3.Store(partial + 3 * v);
                        int whole = (ow - j) / v * v, q = 0;
                        for (; q < whole; q += v) Vector256.Load(partial + q).Store(row + j + q);
                        for (; j + q < ow; q++) row[j + q] = partial[q];
                    }
                }
            }
        }
    }

    /// <summary>Runs <paramref name="body"/> for 0..count-1, on up to <paramref name="threads"/> threads; each index on one thread.</summary>
    private static void ForEach(int count, int threads, Action<int> body)
    {
        if (threads > 1 && count > 1)
        {
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = threads }, body);
            return;
        }
        for (int i = 0; i < count; i++) body(i);
    }
}

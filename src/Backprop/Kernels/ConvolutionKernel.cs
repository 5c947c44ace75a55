using System.Numerics;

namespace Backprop.Kernels;

/// <summary>
/// 2-D convolution (cross-correlation, as PyTorch's <c>conv2d</c>) and its two gradients,
/// lowered onto the packed matrix multiply: per image and group, <c>Y = W·cols(X)</c>,
/// <c>dX = col2im(Wᵀ·dY)</c> and <c>dW = Σ dY·cols(X)ᵀ</c>, where <c>cols</c> is
/// <see cref="Im2Col"/>. Spans are contiguous NCHW tensors and [O, C/G, KH, KW] weights.
/// </summary>
/// <remarks>
/// <para>
/// <b>Paths.</b> Small stride-1 patches take <see cref="DirectConvKernel"/>. Otherwise implicit
/// GEMM (<see cref="ConvGemm{T, TKernel}"/>): the matmul's micro-kernels on panels packed straight
/// from the image, in blocks that fit L2. A single image on several threads, a weight gradient
/// of at most <see cref="ConvGemm.ImagesPerPart"/> images on several threads (both give the
/// implicit path's bits), groups of fewer than four output channels (depthwise with stride 2;
/// the input gradient stays implicit), and 1×1 convolutions with stride 1 go through <see cref="MatMulKernel"/> instead (on im2col tiles of
/// at most <see cref="ColumnBudget"/> elements per thread, or on the input itself for 1×1), which
/// splits each product over threads.
/// </para>
/// <para>
/// <b>Bounded memory.</b> Neither path writes the whole [N·OH·OW, C·KH·KW] column matrix: packed
/// blocks and tiles are bounded, and the implicit path's zero-padded copy is one image's group.
/// </para>
/// <para>
/// <b>Deterministic.</b> Every output element is one matmul chain over the patch in order (the
/// bias first, when given), on either path; every input-gradient element sums its taps in the
/// fixed order of <see cref="Col2Im"/> within a block of positions, blocks in order; every
/// weight-gradient element is one chain over images and positions in order (on the implicit
/// path, one per part of <see cref="ConvGemm.ImagesPerPart"/> images, the parts added in order).
/// Threads split images (or parts, or the matmul's blocks), so results are bit-identical for any
/// <c>maxThreads</c>.
/// </para>
/// <para>
/// <b>Values.</b> NaN and infinity propagate as through the matmul. <b>Empty</b> batches write
/// nothing (the weight gradient is zero). Shapes are checked by the caller (the tensor op),
/// which names them in its errors; here a mismatch is a bug.
/// </para>
/// </remarks>
internal static unsafe class ConvolutionKernel
{
    /// <summary>The most elements one thread's column tile holds (1 MiB of floats).</summary>
    internal const int ColumnBudget = 1 << 18;

    /// <summary>Products smaller than this (multiply-adds) run on one thread.</summary>
    private const long ParallelThreshold = 64L * 64 * 64;

    /// <summary>Output positions per column tile: all of them when the matrix fits the budget, else a multiple of 64.</summary>
    internal static int TileColumns(in ConvGeometry g, int budget = ColumnBudget)
    {
        int columns = Math.Max(1, budget / g.PatchSize);
        if (columns >= g.OutPlane) return Math.Max(g.OutPlane, 1);
        return columns >= 64 ? columns / 64 * 64 : columns;
    }

    /// <summary><c>output = conv(input, weight) + bias</c>; <paramref name="bias"/> empty for none.</summary>
    public static void Forward<T>(ReadOnlyMemory<T> input, ReadOnlyMemory<T> weight, ReadOnlyMemory<T> bias, Memory<T> output,
                                  ConvGeometry g, int maxThreads = 0, int tileBudget = ColumnBudget, bool allowDirect = true,
                                  bool allowImplicit = true)
        where T : unmanaged, INumber<T>
    {
        if (allowDirect && DirectConvKernel.TakesPatch(g))
        {
            DirectConvKernel.Forward(input, weight, bias, output, g, Threads(g, maxThreads));
            return;
        }
        if (allowImplicit && TakesImplicit(g, maxThreads))
        {
            ConvGemm.Run<T, ForwardJob<T>>(new(input, weight, bias, output, g, Threads(g, maxThreads), Math.Min(tileBudget, ConvGemm.PanelBudget)));
            return;
        }
        int tile = TileColumns(g, tileBudget);
        ForEachImage(g, maxThreads, (n, gemmThreads) => ForwardImage(input.Span, weight.Span, bias.Span, output.Span, g, n, tile, gemmThreads));
    }

    /// <summary><c>inputGrad = col2im(Wᵀ·outputGrad)</c>, the gradient of the input (every element written).</summary>
    public static void InputGradient<T>(ReadOnlyMemory<T> outputGrad, ReadOnlyMemory<T> weight, Memory<T> inputGrad,
                                        ConvGeometry g, int maxThreads = 0, int tileBudget = ColumnBudget, bool allowDirect = true,
                                        bool allowImplicit = true)
        where T : unmanaged, INumber<T>
    {
        if (allowDirect && DirectConvKernel.TakesInputGradient(g))
        {
            DirectConvKernel.InputGradient(outputGrad, weight, inputGrad, g, Threads(g, maxThreads));
            return;
        }
        // Always implicit (unless pointwise): its blocks decide the order of the sums, so a choice by thread count would change bits.
        if (allowImplicit && !g.IsPointwise && g.Batch > 0 && g.OutPlane > 0)
        {
            ConvGemm.Run<T, InputGradientJob<T>>(new(outputGrad, weight, inputGrad, g, Threads(g, maxThreads), Math.Min(tileBudget, ConvGemm.PanelBudget)));
            return;
        }
        int tile = TileColumns(g, tileBudget);
        ForEachImage(g, maxThreads, (n, gemmThreads) => InputGradientImage(outputGrad.Span, weight.Span, inputGrad.Span, g, n, tile, gemmThreads));
    }

    /// <summary><c>weightGrad = Σₙ outputGradₙ·cols(inputₙ)ᵀ</c>, the gradient of the weight (every element written).</summary>
    public static void WeightGradient<T>(ReadOnlyMemory<T> inputMemory, ReadOnlyMemory<T> outputGradMemory, Memory<T> weightGradMemory,
                                         ConvGeometry g, int maxThreads = 0, int tileBudget = ColumnBudget, bool allowDirect = true,
                                         bool allowImplicit = true)
        where T : unmanaged, INumber<T>
    {
        if (allowDirect && DirectConvKernel.TakesPatch(g))
        {
            DirectConvKernel.WeightGradient(inputMemory, outputGradMemory, weightGradMemory, g, Threads(g, maxThreads));
            return;
        }
        if (allowImplicit && HasImplicitRows(g) && (g.Batch > ConvGemm.ImagesPerPart || Threads(g, maxThreads) == 1))
        {
            ConvGemm.Run<T, WeightGradientJob<T>>(new(inputMemory, outputGradMemory, weightGradMemory, g, Threads(g, maxThreads),
                                                      Math.Min(tileBudget, ConvGemm.PanelBudget)));
            return;
        }
        ReadOnlySpan<T> input = inputMemory.Span, outputGrad = outputGradMemory.Span;
        Span<T> weightGrad = weightGradMemory.Span;
        int k = g.PatchSize, s = g.OutPlane, og = g.GroupOutChannels;
        weightGrad = weightGrad[..(g.OutChannels * k)];
        if (g.Batch == 0 || s == 0)
        {
            weightGrad.Clear();
            return;
        }
        int tile = TileColumns(g, tileBudget);
        T[] columns = g.IsPointwise ? [] : ConvBuffers<T>.Columns(k * tile);
        fixed (T* x = input, dy = outputGrad, dw = weightGrad, col = columns)
        {
            for (int group = 0; group < g.Groups; group++)
            {
                T* dwGroup = dw + (nint)group * og * k;
                bool accumulate = false;
                for (int n = 0; n < g.Batch; n++)
                {
                    T* dyGroup = dy + ((nint)n * g.OutChannels + group * og) * s;
                    T* xGroup = x + ((nint)n * g.Channels + group * g.GroupChannels) * g.Plane;
                    if (g.IsPointwise)
                    {
                        // dW_g (O/G × C/G) (+)= dY (O/G × S) · Xᵀ (S × C/G)
                        MatMulKernel.MultiplyUnchecked(dyGroup, s, 1, xGroup, 1, g.Plane, dwGroup, k, og, k, s, accumulate, maxThreads);
                        accumulate = true;
                        continue;
                    }
                    for (int first = 0; first < s; first += tile)
                    {
                        int count = Math.Min(tile, s - first);
                        Im2Col.Pack(new ReadOnlySpan<T>(xGroup, g.GroupChannels * g.Plane), g, first, count, columns.AsSpan(0, k * count));
                        // dW_g (O/G × K) (+)= dY tile (O/G × count) · colsᵀ (count × K): the chain over positions continues across tiles.
                        MatMulKernel.MultiplyUnchecked(dyGroup + first, s, 1, col, 1, count, dwGroup, k, og, k, count, accumulate, maxThreads);
                        accumulate = true;
                    }
                }
            }
        }
    }

    private static void ForwardImage<T>(ReadOnlySpan<T> input, ReadOnlySpan<T> weight, ReadOnlySpan<T> bias, Span<T> output,
                                        in ConvGeometry g, int n, int tile, int gemmThreads)
        where T : unmanaged, INumber<T>
    {
        int k = g.PatchSize, s = g.OutPlane, og = g.GroupOutChannels;
        bool hasBias = !bias.IsEmpty;
        T[] columns = g.IsPointwise ? [] : ConvBuffers<T>.Columns(k * tile);
        fixed (T* x = input, w = weight, y = output, col = columns)
        {
            for (int group = 0; group < g.Groups; group++)
            {
                T* wGroup = w + (nint)group * og * k;
                T* yGroup = y + ((nint)n * g.OutChannels + group * og) * s;
                T* xGroup = x + ((nint)n * g.Channels + group * g.GroupChannels) * g.Plane;
                for (int first = 0; first < s; first += tile)
                {
                    int count = Math.Min(tile, s - first);
                    if (hasBias)
                    {
                        // The chain starts from the bias: one pass fewer than adding it after.
                        for (int o = 0; o < og; o++) new Span<T>(yGroup + (nint)o * s + first, count).Fill(bias[group * og + o]);
                    }
                    if (g.IsPointwise)
                    {
                        MatMulKernel.MultiplyUnchecked(wGroup, k, 1, xGroup + first, g.Plane, 1, yGroup + first, s, og, count, k, hasBias, gemmThreads);
                        continue;
                    }
                    Im2Col.Pack(new ReadOnlySpan<T>(xGroup, g.GroupChannels * g.Plane), g, first, count, columns.AsSpan(0, k * count));
                    MatMulKernel.MultiplyUnchecked(wGroup, k, 1, col, count, 1, yGroup + first, s, og, count, k, hasBias, gemmThreads);
                }
            }
        }
    }

    private static void InputGradientImage<T>(ReadOnlySpan<T> outputGrad, ReadOnlySpan<T> weight, Span<T> inputGrad,
                                              in ConvGeometry g, int n, int tile, int gemmThreads)
        where T : unmanaged, INumber<T>
    {
        int k = g.PatchSize, s = g.OutPlane, og = g.GroupOutChannels, groupSize = g.GroupChannels * g.Plane;
        T[] columns = g.IsPointwise ? [] : ConvBuffers<T>.Columns(k * tile);
        fixed (T* dy = outputGrad, w = weight, dx = inputGrad, col = columns)
        {
            for (int group = 0; group < g.Groups; group++)
            {
                T* wGroup = w + (nint)group * og * k;
                T* dyGroup = dy + ((nint)n * g.OutChannels + group * og) * s;
                T* dxGroup = dx + ((nint)n * g.Channels + group * g.GroupChannels) * g.Plane;
                if (g.IsPointwise)
                {
                    // dX_g (C/G × S) = W_gᵀ (C/G × O/G) · dY_g (O/G × S): written directly, no col2im.
                    MatMulKernel.MultiplyUnchecked(wGroup, 1, k, dyGroup, s, 1, dxGroup, g.Plane, k, s, og, false, gemmThreads);
                    continue;
                }
                var image = new Span<T>(dxGroup, groupSize);
                image.Clear();
                for (int first = 0; first < s; first += tile)
                {
                    int count = Math.Min(tile, s - first);
                    // cols (K × count) = W_gᵀ (K × O/G) · dY tile (O/G × count), then added back where each tap read.
                    MatMulKernel.MultiplyUnchecked(wGroup, 1, k, dyGroup + first, s, 1, col, count, k, count, og, false, gemmThreads);
                    Col2Im.Add(new ReadOnlySpan<T>(col, k * count), g, first, count, image);
                }
            }
        }
    }

    /// <summary>
    /// Whether the forward pass packs straight from the image (<see cref="ConvGemm{T, TKernel}"/>):
    /// any convolution that is not pointwise, unless a single image would leave the other threads
    /// idle (then the matmul splits its products; both paths compute the same chains).
    /// </summary>
    private static bool TakesImplicit(in ConvGeometry g, int maxThreads) =>
        HasImplicitRows(g) && (g.Batch > 1 || Threads(g, maxThreads) == 1);

    /// <summary>
    /// Whether a group has output channels enough for the micro-kernel's row panels (at least
    /// <see cref="MinImplicitRows"/>): with one channel a group (depthwise with stride 2) the
    /// matmul's one-row kernel wastes nothing, a 6-row panel five rows in six.
    /// </summary>
    private static bool HasImplicitRows(in ConvGeometry g) =>
        !g.IsPointwise && g.Batch > 0 && g.OutPlane > 0 && g.GroupOutChannels >= MinImplicitRows;

    /// <summary>The fewest output channels a group needs for the implicit forward pass and weight gradient.</summary>
    private const int MinImplicitRows = 4;

    /// <summary><see cref="ConvGemm{T, TKernel}.Forward"/> with the machine's micro-kernel.</summary>
    private readonly struct ForwardJob<T>(ReadOnlyMemory<T> input, ReadOnlyMemory<T> weight, ReadOnlyMemory<T> bias, Memory<T> output,
                                          ConvGeometry g, int threads, int budget) : ConvGemm.IJob<T>
        where T : unmanaged, INumber<T>
    {
        public void Run<TKernel>() where TKernel : IMatMulMicroKernel<T> =>
            ConvGemm<T, TKernel>.Forward(input, weight, bias, output, g, threads, budget);
    }

    /// <summary><see cref="ConvGemm{T, TKernel}.InputGradient"/> with the machine's micro-kernel.</summary>
    private readonly struct InputGradientJob<T>(ReadOnlyMemory<T> outputGrad, ReadOnlyMemory<T> weight, Memory<T> inputGrad,
                                                ConvGeometry g, int threads, int budget) : ConvGemm.IJob<T>
        where T : unmanaged, INumber<T>
    {
        public void Run<TKernel>() where TKernel : IMatMulMicroKernel<T> =>
            ConvGemm<T, TKernel>.InputGradient(outputGrad, weight, inputGrad, g, threads, budget);
    }

    /// <summary><see cref="ConvGemm{T, TKernel}.WeightGradient"/> with the machine's micro-kernel.</summary>
    private readonly struct WeightGradientJob<T>(ReadOnlyMemory<T> input, ReadOnlyMemory<T> outputGrad, Memory<T> weightGrad,
                                                 ConvGeometry g, int threads, int budget) : ConvGemm.IJob<T>
        where T : unmanaged, INumber<T>
    {
        public void Run<TKernel>() where TKernel : IMatMulMicroKernel<T> =>
            ConvGemm<T, TKernel>.WeightGradient(input, outputGrad, weightGrad, g, threads, budget);
    }

    /// <summary>The threads a convolution's loops may use: one when the work is too small to pay for waking others.</summary>
    private static int Threads(in ConvGeometry g, int maxThreads)
    {
        long work = (long)g.Batch * g.OutChannels * g.OutPlane * g.PatchSize;
        return work >= ParallelThreshold ? (maxThreads == 0 ? Environment.ProcessorCount : maxThreads) : 1;
    }

    /// <summary>
    /// Runs <paramref name="image"/>(n, threads for its products) for every image: images split
    /// over threads when there are several and the work is large, else one after another with
    /// the threads given to each product. Either way each element is computed the same way.
    /// </summary>
    internal static void ForEachImage(in ConvGeometry g, int maxThreads, Action<int, int> image)
    {
        int threads = maxThreads == 0 ? Environment.ProcessorCount : maxThreads;
        long work = (long)g.Batch * g.OutChannels * g.OutPlane * g.PatchSize;
        if (threads > 1 && g.Batch > 1 && work >= ParallelThreshold)
        {
            Parallel.For(0, g.Batch, new ParallelOptions { MaxDegreeOfParallelism = threads }, n => image(n, 1));
            return;
        }
        for (int n = 0; n < g.Batch; n++) image(n, threads);
    }
}

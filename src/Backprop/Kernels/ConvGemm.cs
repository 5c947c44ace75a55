using System.Numerics;
using System.Numerics.Tensors;

namespace Backprop.Kernels;

/// <summary>
/// Implicit GEMM: the convolution's matrix products with the packed matmul's micro-kernels, the
/// panels of the column matrix packed straight from the image (<see cref="ConvPanels"/>) instead
/// of an im2col tile that the matmul then packs again. The forward pass is <c>Y = W·cols(X)</c>
/// per image and group; the weight gradient <c>dW = Σ dY·cols(X)ᵀ</c>.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <typeparam name="TKernel">The micro-kernel (<see cref="ConvGemm.Run{T, TJob}"/> picks the widest this machine has).</typeparam>
/// <remarks>
/// <para>
/// <b>Same chains.</b> Each output element is the matmul's chain: one fused multiply-add per
/// tap in order, starting from the bias (or zero), so the forward pass gives the bits of
/// <c>im2col</c> followed by <see cref="MatMulKernel"/>. A weight-gradient element is one chain
/// over the images of a fixed run of images (<see cref="ConvGemm.ImagesPerPart"/>) and their positions in
/// order; the runs' sums are added in order. Neither depends on the thread count.
/// </para>
/// <para>
/// <b>Cache.</b> The weights are packed once per call. A block of packed column panels is at
/// most <see cref="ConvGemm.PanelBudget"/> elements (256 KiB of floats, half an L2 of 512 KiB),
/// so the micro-kernel streams it from L2 rather than L3 while one panel of weights stays in L1;
/// the column matrix of a whole image (903 KiB for 32 channels of 28 × 28 and a 3 × 3 kernel)
/// is never written.
/// </para>
/// </remarks>
internal static unsafe class ConvGemm<T, TKernel>
    where T : unmanaged, INumber<T>
    where TKernel : IMatMulMicroKernel<T>
{
    private static int DepthMax => typeof(T) == typeof(float) ? MatMulBlocking.DepthSingle : MatMulBlocking.DepthDouble;

    /// <summary><c>output = conv(input, weight) + bias</c>, images split over <paramref name="threads"/>.</summary>
    public static void Forward(ReadOnlyMemory<T> input, ReadOnlyMemory<T> weight, ReadOnlyMemory<T> bias, Memory<T> output,
                               ConvGeometry g, int threads, int budget)
    {
        int k = g.PatchSize, og = g.GroupOutChannels;
        T[] packedWeights = PackWeights(weight, g, transposed: false, out nint groupPanels);
        int columns = BlockColumns(g.OutPlane, Math.Min(k, DepthMax), budget);
        ConvolutionKernel.ForEachImage(g, threads, (n, _) =>
        {
            fixed (T* x = input.Span, b = bias.Span, y = output.Span, pw = packedWeights)
            {
                for (int group = 0; group < g.Groups; group++)
                {
                    T* xGroup = x + ((nint)n * g.Channels + group * g.GroupChannels) * g.Plane;
                    T* yGroup = y + ((nint)n * g.OutChannels + group * og) * g.OutPlane;
                    ForwardGroup(xGroup, pw + group * groupPanels, bias.IsEmpty ? null : b + group * og, yGroup, g, columns);
                }
            }
        });
    }

    /// <summary>One image and group: blocks of output positions, each packed from the image slice by slice of taps.</summary>
    private static void ForwardGroup(T* x, T* packedWeights, T* bias, T* y, in ConvGeometry g, int columns)
    {
        if (ConvShifted<T, TKernel>.Applies(g))
        {
            ConvShifted<T, TKernel>.ForwardGroup(x, packedWeights, bias, y, g);
            return;
        }
        int mr = TKernel.Rows, nr = TKernel.Columns, k = g.PatchSize, m = g.GroupOutChannels, s = g.OutPlane;
        int kcMax = DepthMax;
        // 64-byte aligned, as the micro-kernel's vector loads of B want.
        T* packed = MatMulBuffers.PackedB<T>((nint)Math.Min(k, kcMax) * RoundUp(columns, nr));
        T[] row = ConvBuffers<T>.Row(RoundUp(columns, nr) + ConvPanels.Slack);
        T* tile = MatMulBuffers.Tile<T>(mr * nr);
        bool pads = ConvPanels.Pads(g);
        T[] padded = pads ? ConvBuffers<T>.Padded(ConvPanels.PaddedLength(g)) : [];
        fixed (T* rowBuffer = row, paddedImage = padded)
        {
            if (pads) ConvPanels.Pad(x, g, paddedImage);
            T* source = pads ? paddedImage : x;
            for (int jc = 0; jc < s; jc += columns)
            {
                int n = Math.Min(columns, s - jc);
                if (bias != null)
                {
                    // The chain starts from the bias: one pass fewer than adding it after.
                    for (int o = 0; o < m; o++) new Span<T>(y + (nint)o * s + jc, n).Fill(bias[o]);
                }
                for (int pc = 0; pc < k; pc += kcMax)
                {
                    int kc = Math.Min(kcMax, k - pc);
                    ConvPanels.PackPositions(source, pads, g, pc, kc, jc, n, nr, rowBuffer, packed);
                    bool load = bias != null || pc > 0;
                    for (int ir = 0; ir < m; ir += mr)
                    {
                        int rows = Math.Min(mr, m - ir);
                        T* a = packedWeights + (nint)ir * k + (nint)pc * mr;
                        for (int jr = 0; jr < n; jr += nr)
                        {
                            int cols = Math.Min(nr, n - jr);
                            T* b = packed + (nint)(jr / nr) * kc * nr;
                            T* c = y + (nint)ir * s + jc + jr;
                            if (rows == mr && cols == nr) TKernel.Run(kc, a, b, nr, c, s, load);
                            else MatMulBlocked<T, TKernel>.Edge(kc, a, b, nr, c, s, load, tile, rows, cols);
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// <c>inputGrad = col2im(Wᵀ·outputGrad)</c> (every element written), images split over
    /// <paramref name="threads"/>: the column gradient is computed a block of output positions at
    /// a time into a tile that stays in L2 and is added back (<see cref="ConvPanels.AddBack{T}"/>) at once.
    /// </summary>
    public static void InputGradient(ReadOnlyMemory<T> outputGrad, ReadOnlyMemory<T> weight, Memory<T> inputGrad,
                                     ConvGeometry g, int threads, int budget)
    {
        int k = g.PatchSize, og = g.GroupOutChannels;
        T[] packedWeights = PackWeights(weight, g, transposed: true, out nint groupPanels);
        int columns = BlockColumns(g.OutPlane, k, budget);
        ConvolutionKernel.ForEachImage(g, threads, (n, _) =>
        {
            fixed (T* dy = outputGrad.Span, dx = inputGrad.Span, pw = packedWeights)
            {
                for (int group = 0; group < g.Groups; group++)
                {
                    T* dyGroup = dy + ((nint)n * g.OutChannels + group * og) * g.OutPlane;
                    T* dxGroup = dx + ((nint)n * g.Channels + group * g.GroupChannels) * g.Plane;
                    InputGradientGroup(dyGroup, pw + group * groupPanels, dxGroup, g, columns);
                }
            }
        });
    }

    /// <summary>One image and group: for each block of positions, the column gradient's tile, then its sums into the image.</summary>
    private static void InputGradientGroup(T* dy, T* packedWeights, T* dx, in ConvGeometry g, int columns)
    {
        int mr = TKernel.Rows, nr = TKernel.Columns, k = g.PatchSize, depth = g.GroupOutChannels, s = g.OutPlane;
        int kcMax = DepthMax, rows = RoundUp(k, mr), width = RoundUp(columns, nr);
        T* packed = MatMulBuffers.PackedB<T>((nint)Math.Min(depth, kcMax) * width);
        T* tile = MatMulBuffers.PackedA<T>((nint)rows * width);
        bool pads = ConvPanels.AddsPadded(g);
        T[] padded = pads ? ConvBuffers<T>.Padded(ConvPanels.PaddedLength(g)) : [];
        fixed (T* paddedImage = padded)
        {
            T* target = pads ? paddedImage : dx;
            new Span<T>(target, pads ? ConvPanels.PaddedLength(g) : g.GroupChannels * g.Plane).Clear();
            for (int jc = 0; jc < s; jc += columns)
            {
                int n = Math.Min(columns, s - jc), ldc = RoundUp(n, nr);
                for (int pc = 0; pc < depth; pc += kcMax)
                {
                    int kc = Math.Min(kcMax, depth - pc);
                    // B: the output gradient's rows [pc, pc + kc), positions [jc, jc + n).
                    MatMulPacking.Pack(dy + (nint)pc * s + jc, s, 1, kc, n, nr, packed);
                    // Whole tiles only: the tile has room for the padding rows and columns, which col2im never reads.
                    for (int ir = 0; ir < rows; ir += mr)
                    {
                        T* a = packedWeights + (nint)ir * depth + (nint)pc * mr;
                        for (int jr = 0; jr < n; jr += nr)
                            TKernel.Run(kc, a, packed + (nint)(jr / nr) * kc * nr, nr, tile + (nint)ir * ldc + jr, ldc, pc > 0);
                    }
                }
                ConvPanels.AddBack(tile, ldc, pads, g, jc, n, target);
            }
            if (pads) ConvPanels.Crop(paddedImage, g, dx);
        }
    }

    /// <summary>
    /// <c>weightGrad = Σₙ outputGradₙ·cols(inputₙ)ᵀ</c> (every element written): parts of
    /// <see cref="ConvGemm.ImagesPerPart"/> images split over threads, each one chain per element, the
    /// parts then added in order.
    /// </summary>
    public static void WeightGradient(ReadOnlyMemory<T> input, ReadOnlyMemory<T> outputGrad, Memory<T> weightGrad,
                                      ConvGeometry g, int threads, int budget)
    {
        int size = g.OutChannels * g.PatchSize;
        int parts = (g.Batch + ConvGemm.ImagesPerPart - 1) / ConvGemm.ImagesPerPart;
        // Parts beyond the first need their own sums: keep those to at most 4M elements.
        parts = Math.Max(1, Math.Min(parts, 1 + (1 << 22) / Math.Max(size, 1)));
        T[] partial = parts > 1 ? ConvBuffers<T>.Partial((parts - 1) * size) : [];
        Memory<T> whole = weightGrad[..size];
        void Part(int part)
        {
            int first = (int)((long)g.Batch * part / parts), last = (int)((long)g.Batch * (part + 1) / parts);
            Memory<T> sums = part == 0 ? whole : partial.AsMemory((part - 1) * size, size);
            fixed (T* x = input.Span, dy = outputGrad.Span, dw = sums.Span)
                WeightGradientPart(x, dy, dw, g, first, last, budget);
        }
        if (threads > 1 && parts > 1) Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = threads }, Part);
        else for (int part = 0; part < parts; part++) Part(part);
        Span<T> target = whole.Span;
        for (int part = 1; part < parts; part++)
        {
            TensorPrimitives.Add(target, partial.AsSpan((part - 1) * size, size), target);
        }
    }

    /// <summary>The sums over images [<paramref name="first"/>, <paramref name="last"/>) into <paramref name="dw"/> (overwritten).</summary>
    private static void WeightGradientPart(T* x, T* dy, T* dw, in ConvGeometry g, int first, int last, int budget)
    {
        if (ConvShiftedWeightGradient<T, TKernel>.Applies(g))
        {
            ConvShiftedWeightGradient<T, TKernel>.Part(x, dy, dw, g, first, last);
            return;
        }
        int mr = TKernel.Rows, nr = TKernel.Columns, k = g.PatchSize, m = g.GroupOutChannels, s = g.OutPlane;
        // The depth is the output positions: as many as let the packed panels of all taps fit the budget.
        int kcMax = Math.Clamp(budget / RoundUp(k, nr) / 8 * 8, 8, DepthMax);
        T* packed = MatMulBuffers.PackedB<T>((nint)kcMax * RoundUp(k, nr));
        T[] rows = ConvBuffers<T>.Row(kcMax * nr + ConvPanels.Slack);
        T* packedA = MatMulBuffers.PackedA<T>((nint)RoundUp(m, mr) * kcMax);
        T* tile = MatMulBuffers.Tile<T>(mr * nr);
        bool pads = ConvPanels.Pads(g);
        T[] padded = pads ? ConvBuffers<T>.Padded(ConvPanels.PaddedLength(g)) : [];
        fixed (T* rowBuffer = rows, paddedImage = padded)
        {
            for (int group = 0; group < g.Groups; group++)
            {
                T* dwGroup = dw + (nint)group * m * k;
                for (int n = first; n < last; n++)
                {
                    T* dyGroup = dy + ((nint)n * g.OutChannels + group * m) * s;
                    T* xGroup = x + ((nint)n * g.Channels + group * g.GroupChannels) * g.Plane;
                    if (pads) ConvPanels.Pad(xGroup, g, paddedImage);
                    T* source = pads ? paddedImage : xGroup;
                    for (int pc = 0; pc < s; pc += kcMax)
                    {
                        int kc = Math.Min(kcMax, s - pc);
                        bool load = n > first || pc > 0;
                        ConvPanels.PackTaps(source, pads, g, pc, kc, nr, rowBuffer, packed);
                        // A: the output gradient's rows, positions [pc, pc + kc).
                        MatMulPacking.Pack(dyGroup + pc, 1, s, kc, m, mr, packedA);
                        for (int ir = 0; ir < m; ir += mr)
                        {
                            int rowCount = Math.Min(mr, m - ir);
                            T* a = packedA + (nint)ir * kc;
                            for (int jr = 0; jr < k; jr += nr)
                            {
                                int cols = Math.Min(nr, k - jr);
                                T* b = packed + (nint)(jr / nr) * kc * nr;
                                T* c = dwGroup + (nint)ir * k + jr;
                                if (rowCount == mr && cols == nr) TKernel.Run(kc, a, b, nr, c, k, load);
                                else MatMulBlocked<T, TKernel>.Edge(kc, a, b, nr, c, k, load, tile, rowCount, cols);
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>Output positions per packed block: a multiple of NR that keeps depth × block within the budget, the blocks of a plane about equal.</summary>
    private static int BlockColumns(int positions, int depth, int budget)
    {
        int nr = TKernel.Columns;
        int most = Math.Max(nr, budget / Math.Max(depth, 1) / nr * nr);
        int blocks = (positions + most - 1) / most;
        return Math.Max(1, Math.Min(most, RoundUp((positions + blocks - 1) / Math.Max(blocks, 1), nr)));
    }

    /// <summary>
    /// Each group's weight [og, k] (or, <paramref name="transposed"/>, Wᵀ [k, og]: row p a tap,
    /// the depth running over the group's output channels) packed into the micro-kernel's row
    /// panels, groups <paramref name="groupPanels"/> elements apart, in this thread's buffer.
    /// </summary>
    private static T[] PackWeights(ReadOnlyMemory<T> weight, in ConvGeometry g, bool transposed, out nint groupPanels)
    {
        int mr = TKernel.Rows, k = g.PatchSize, og = g.GroupOutChannels;
        (int rows, int depth) = transposed ? (k, og) : (og, k);
        groupPanels = (nint)RoundUp(rows, mr) * depth;
        T[] packed = ConvBuffers<T>.Weights(checked((int)(groupPanels * g.Groups)));
        fixed (T* w = weight.Span, pw = packed)
        {
            for (int group = 0; group < g.Groups; group++)
            {
                T* wGroup = w + (nint)group * og * k, pGroup = pw + group * groupPanels;
                if (transposed) MatMulPacking.Pack(wGroup, k, 1, og, k, mr, pGroup);
                else MatMulPacking.Pack(wGroup, 1, k, k, og, mr, pGroup);
            }
        }
        return packed;
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}

/// <summary>Picks the micro-kernel for <see cref="ConvGemm{T, TKernel}"/>: the widest this machine runs, as <see cref="MatMulKernel"/> does.</summary>
internal static class ConvGemm
{
    /// <summary>The most elements of one block of packed column panels (256 KiB of floats).</summary>
    internal const int PanelBudget = 1 << 16;

    /// <summary>Images whose weight-gradient sums form one chain; the parts are added in order.</summary>
    internal const int ImagesPerPart = 8;

    /// <summary>A computation to run with one micro-kernel.</summary>
    internal interface IJob<T> where T : unmanaged, INumber<T>
    {
        /// <summary>Runs with <typeparamref name="TKernel"/>.</summary>
        void Run<TKernel>() where TKernel : IMatMulMicroKernel<T>;
    }

    /// <summary>Runs <paramref name="job"/> with the micro-kernel of the widest instruction set this machine has.</summary>
    public static void Run<T, TJob>(TJob job) where T : unmanaged, INumber<T> where TJob : IJob<T>
    {
        switch (MatMulKernel.Resolve(MatMulIsa.Auto))
        {
            case MatMulIsa.Vector512: job.Run<MatMulMicroKernel512<T>>(); break;
            case MatMulIsa.Vector256: job.Run<MatMulMicroKernel256<T>>(); break;
            case MatMulIsa.Vector128: job.Run<MatMulMicroKernel128<T>>(); break;
            default: job.Run<MatMulMicroKernelScalar<T>>(); break;
        }
    }
}

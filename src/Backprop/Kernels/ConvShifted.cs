using System.Numerics;

namespace Backprop.Kernels;

/// <summary>
/// The forward pass of a stride-1 convolution with nothing packed but the weights: in zero-padded
/// planes (<see cref="ConvPanels.Pad"/>) of width <c>w</c>, output position (oh, ow) counted as
/// <c>oh·w + ow</c> reads tap (c, kh, kw) at a fixed offset from itself, so row p of the column
/// matrix is the planes shifted by that tap's offset and the micro-kernel reads it in place
/// (<see cref="ConvShiftedKernel256{T}"/>).
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <typeparam name="TKernel">The micro-kernel of the caller (<see cref="ConvGemm{T, TKernel}"/>); only the 256-bit one has a shifted twin.</typeparam>
/// <remarks>
/// <para>
/// The positions <c>ow ≥ OW</c> of each padded row are computed too and dropped (for a 3 × 3
/// kernel with padding 1 on 28 × 28, 2 of every 30), in exchange for the packing of every tap's
/// row of every block (about a fifth of the packed path's time): the results go to a buffer of
/// padded rows, then are copied to the output.
/// </para>
/// <para>
/// Each output element is the packed path's chain (the bias or zero, then one fused
/// multiply-add per tap in order, the same blocks of taps), so the bits are the same.
/// </para>
/// </remarks>
internal static unsafe class ConvShifted<T, TKernel>
    where T : unmanaged, INumber<T>
    where TKernel : IMatMulMicroKernel<T>
{
    private static int DepthMax => typeof(T) == typeof(float) ? MatMulBlocking.DepthSingle : MatMulBlocking.DepthDouble;

    /// <summary>Whether <see cref="ForwardGroup"/> runs this convolution: stride 1 with padded planes, and the 256-bit micro-kernel.</summary>
    public static bool Applies(in ConvGeometry g) => ConvPanels.Pads(g) && typeof(TKernel) == typeof(MatMulMicroKernel256<T>);

    /// <summary>
    /// Where each tap (c, kh, kw), numbered as the patch's rows, starts in the zero-padded planes
    /// (<see cref="ConvPanels.PaddedSize"/>), for <paramref name="count"/> taps; the ones past the
    /// patch (rows that round a panel up) read tap 0.
    /// </summary>
    public static void TapOffsets(in ConvGeometry g, int* offsets, int count)
    {
        int kernel = g.KernelH * g.KernelW;
        (int h, int w) = ConvPanels.PaddedSize(g);
        for (int p = 0; p < count; p++)
        {
            int tap = p < g.PatchSize ? p : 0, c = tap / kernel, kh = tap % kernel / g.KernelW, kw = tap % g.KernelW;
            offsets[p] = (c * h + kh * g.DilationH) * w + kw * g.DilationW;
        }
    }

    /// <summary>One image and group: <c>y = W·cols(x) + bias</c>, <paramref name="packedWeights"/> the micro-kernel's row panels of W.</summary>
    public static void ForwardGroup(T* x, T* packedWeights, T* bias, T* y, in ConvGeometry g)
    {
        int mr = TKernel.Rows, nr = TKernel.Columns, k = g.PatchSize, m = g.GroupOutChannels;
        int w = ConvPanels.PaddedSize(g).Width;
        // The positions oh·w + ow, rounded up to whole panels; their reads stay within the planes' slack.
        int span = (g.OutHeight - 1) * w + g.OutWidth, ldt = (span + nr - 1) / nr * nr, rows = (m + mr - 1) / mr * mr;
        T[] padded = ConvBuffers<T>.Padded(ConvPanels.PaddedLength(g));
        T[] results = ConvBuffers<T>.Columns(rows * ldt);
        int[] taps = ConvBuffers<T>.Offsets(k);
        fixed (T* planes = padded, sums = results)
        fixed (int* offsets = taps)
        {
            ConvPanels.Pad(x, g, planes);
            TapOffsets(g, offsets, k);
            // The chain starts from the bias; the rows past m (zero weights) from zero.
            for (int o = 0; o < rows; o++)
                new Span<T>(sums + (nint)o * ldt, ldt).Fill(bias != null && o < m ? bias[o] : T.Zero);
            for (int pc = 0; pc < k; pc += DepthMax)
            {
                int kc = Math.Min(DepthMax, k - pc);
                bool load = bias != null || pc > 0;
                for (int jr = 0; jr < span; jr += nr)
                {
                    // One panel of positions (taps × nr, L1) against every row panel of weights (L2).
                    for (int ir = 0; ir < m; ir += mr)
                        ConvShiftedKernel256<T>.Run(kc, packedWeights + (nint)ir * k + (nint)pc * mr, planes + jr, offsets + pc,
                                                    sums + (nint)ir * ldt + jr, ldt, load);
                }
            }
            for (int o = 0; o < m; o++)
            {
                for (int oh = 0; oh < g.OutHeight; oh++)
                    new ReadOnlySpan<T>(sums + (nint)o * ldt + (nint)oh * w, g.OutWidth)
                        .CopyTo(new Span<T>(y + (nint)o * g.OutPlane + (nint)oh * g.OutWidth, g.OutWidth));
            }
        }
    }
}

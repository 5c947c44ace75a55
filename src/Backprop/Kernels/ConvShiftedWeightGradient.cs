using System.Numerics;

namespace Backprop.Kernels;

/// <summary>
/// The weight gradient of a stride-1 convolution with the column matrix read in place, as
/// <see cref="ConvShifted{T, TKernel}"/> reads it for the forward pass: <c>dWᵀ = cols(X)·dYᵀ</c>,
/// six taps' rows of zero-padded planes against a panel of the output gradient transposed, so
/// only the output gradient is packed (once per image), not every tap's row of the image.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <typeparam name="TKernel">The micro-kernel of the caller (<see cref="ConvGemm{T, TKernel}"/>); only the 256-bit one has a shifted twin.</typeparam>
/// <remarks>
/// Each element is one fused multiply-add chain over the images of the part and their output
/// positions in order, as <see cref="ConvGemm{T, TKernel}"/>'s packed path sums it (the product
/// of two floats is the same either way round), so the bits are the same. Only real positions
/// are read: the padded rows' extra columns are never part of a sum.
/// </remarks>
internal static unsafe class ConvShiftedWeightGradient<T, TKernel>
    where T : unmanaged, INumber<T>
    where TKernel : IMatMulMicroKernel<T>
{
    /// <summary>Whether <see cref="Part"/> runs this convolution (as <see cref="ConvShifted{T, TKernel}.Applies"/>).</summary>
    public static bool Applies(in ConvGeometry g) => ConvShifted<T, TKernel>.Applies(g);

    /// <summary>The sums over images [<paramref name="first"/>, <paramref name="last"/>) into <paramref name="dw"/> (overwritten, every group).</summary>
    public static void Part(T* x, T* dy, T* dw, in ConvGeometry g, int first, int last)
    {
        int mr = TKernel.Rows, nr = TKernel.Columns, k = g.PatchSize, m = g.GroupOutChannels, s = g.OutPlane;
        int w = ConvPanels.PaddedSize(g).Width;
        int taps = (k + mr - 1) / mr * mr, channels = (m + nr - 1) / nr * nr;
        T* sums = MatMulBuffers.PackedA<T>((nint)taps * channels);
        T* gradient = MatMulBuffers.PackedB<T>((nint)s * channels);
        T[] padded = ConvBuffers<T>.Padded(ConvPanels.PaddedLength(g));
        int[] tapOffsets = ConvBuffers<T>.Offsets(taps);
        fixed (T* planes = padded)
        fixed (int* offsets = tapOffsets)
        {
            // The rows past the patch read tap 0 and are dropped.
            ConvShifted<T, TKernel>.TapOffsets(g, offsets, taps);
            for (int group = 0; group < g.Groups; group++)
            {
                for (int n = first; n < last; n++)
                {
                    ConvPanels.Pad(x + ((nint)n * g.Channels + group * g.GroupChannels) * g.Plane, g, planes);
                    // dYᵀ in panels of nr channels: for each position, nr channels (zero past m).
                    MatMulPacking.Pack(dy + ((nint)n * g.OutChannels + group * m) * s, 1, s, s, m, nr, gradient);
                    bool load = n > first;
                    for (int jo = 0; jo < channels; jo += nr)
                    {
                        T* panel = gradient + (nint)jo * s;
                        for (int ip = 0; ip < taps; ip += mr)
                            ConvShiftedKernel256<T>.RunTaps(planes, offsets + ip, g.OutHeight, g.OutWidth, w, panel,
                                                            sums + (nint)ip * channels + jo, channels, load);
                    }
                }
                // dW [m, k] of this group from dWᵀ.
                T* target = dw + (nint)group * m * k;
                for (int o = 0; o < m; o++)
                    for (int p = 0; p < k; p++)
                        target[(nint)o * k + p] = sums[(nint)p * channels + o];
            }
        }
    }
}

using System.Numerics;

namespace Backprop.Kernels;

/// <summary>
/// Max pooling over the planes of an NCHW tensor (kernel, stride, padding, dilation as
/// PyTorch's <c>max_pool2d</c>), recording for each output the flat index (row·W + column, in its
/// plane) of the input element it took, and the two index-driven adjoints: scattering gradients
/// back to those elements and gathering from them.
/// </summary>
/// <remarks>
/// <para>
/// <b>Ties and NaN.</b> The first maximum in row-major window order wins; a NaN wins over any
/// number (and a later NaN over an earlier one), so NaN propagates as in PyTorch. Padding is
/// never chosen: it acts as -∞.
/// </para>
/// <para>
/// <b>Paths.</b> Scalar: windows are small and strided, so each output is one short loop.
/// <b>Empty</b> inputs write nothing. The caller checks shapes; every window holds at least one
/// input element because padding is at most half the kernel.
/// </para>
/// </remarks>
internal static class MaxPool2dKernel
{
    /// <summary>The maximum of every window of every plane, and its index in the plane.</summary>
    public static void Forward<T>(ReadOnlySpan<T> input, Span<T> output, Span<long> indices, in ConvGeometry g, int planes)
        where T : unmanaged, INumber<T>
    {
        int plane = g.Plane, outPlane = g.OutPlane;
        for (int p = 0; p < planes; p++)
        {
            ReadOnlySpan<T> x = input.Slice(p * plane, plane);
            for (int i = 0; i < g.OutHeight; i++)
            {
                for (int j = 0; j < g.OutWidth; j++)
                {
                    T best = T.Zero;
                    int at = -1;
                    for (int a = 0; a < g.KernelH; a++)
                    {
                        int r = i * g.StrideH - g.PadTop + a * g.DilationH;
                        if ((uint)r >= (uint)g.Height) continue;
                        for (int b = 0; b < g.KernelW; b++)
                        {
                            int c = j * g.StrideW - g.PadLeft + b * g.DilationW;
                            if ((uint)c >= (uint)g.Width) continue;
                            T v = x[r * g.Width + c];
                            if (at < 0 || v > best || T.IsNaN(v))
                            {
                                best = v;
                                at = r * g.Width + c;
                            }
                        }
                    }
                    int o = p * outPlane + i * g.OutWidth + j;
                    output[o] = best;
                    indices[o] = at;
                }
            }
        }
    }

    /// <summary>inputGrad (cleared first) gets each outputGrad element added at its index, plane by plane, in order.</summary>
    public static void Scatter<T>(ReadOnlySpan<T> outputGrad, ReadOnlySpan<long> indices, Span<T> inputGrad, int plane, int outPlane, int planes)
        where T : unmanaged, INumber<T>
    {
        inputGrad[..(planes * plane)].Clear();
        for (int p = 0; p < planes; p++)
        {
            Span<T> dx = inputGrad.Slice(p * plane, plane);
            for (int o = p * outPlane, end = o + outPlane; o < end; o++) dx[(int)indices[o]] += outputGrad[o];
        }
    }

    /// <summary>output[o] = source[index of o] in o's plane: the adjoint of <see cref="Scatter{T}"/>.</summary>
    public static void Gather<T>(ReadOnlySpan<T> source, ReadOnlySpan<long> indices, Span<T> output, int plane, int outPlane, int planes)
        where T : unmanaged, INumber<T>
    {
        for (int p = 0; p < planes; p++)
        {
            ReadOnlySpan<T> x = source.Slice(p * plane, plane);
            for (int o = p * outPlane, end = o + outPlane; o < end; o++) output[o] = x[(int)indices[o]];
        }
    }
}

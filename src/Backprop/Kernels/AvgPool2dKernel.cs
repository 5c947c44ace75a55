using System.Numerics;
using System.Numerics.Tensors;

namespace Backprop.Kernels;

/// <summary>
/// Average pooling over the planes of an NCHW tensor and its adjoint: <see cref="Forward{T}"/>
/// averages each window of <see cref="PoolWindows"/>, <see cref="Backward{T}"/> spreads each
/// output gradient evenly back over its window (adding where windows overlap).
/// </summary>
/// <remarks>
/// <para>
/// <b>Paths.</b> Window rows are summed with <see cref="TensorPrimitives.Sum{T}(ReadOnlySpan{T})"/>
/// and spread back with <see cref="TensorPrimitives.Add{T}(ReadOnlySpan{T}, T, Span{T})"/>
/// (vectorised for wide windows), one window at a time.
/// </para>
/// <para>
/// <b>Values.</b> NaN and infinity propagate through the sums. A window with no input positions
/// (divisor 0, possible only without count_include_pad) gives NaN, 0/0, as in PyTorch.
/// <b>Empty</b> inputs write nothing. Planes are independent and each is summed in a fixed
/// order, so the results do not depend on threads. Span lengths must be planes × window sizes;
/// the caller checks shapes.
/// </para>
/// </remarks>
internal static class AvgPool2dKernel
{
    /// <summary>output[p, i, j] = Σ window(i, j) of input[p] / divisor(i, j), for every plane p.</summary>
    public static void Forward<T>(ReadOnlySpan<T> input, Span<T> output, PoolWindows w, int planes) where T : unmanaged, INumber<T>
    {
        int plane = w.Height * w.Width, outPlane = w.OutHeight * w.OutWidth;
        for (int p = 0; p < planes; p++)
        {
            ReadOnlySpan<T> x = input.Slice(p * plane, plane);
            Span<T> y = output.Slice(p * outPlane, outPlane);
            for (int i = 0; i < w.OutHeight; i++)
            {
                for (int j = 0; j < w.OutWidth; j++)
                {
                    T sum = T.Zero;
                    int c0 = w.ColStart[j], width = w.ColEnd[j] - c0;
                    for (int r = w.RowStart[i]; r < w.RowEnd[i]; r++) sum += TensorPrimitives.Sum(x.Slice(r * w.Width + c0, width));
                    y[i * w.OutWidth + j] = sum / T.CreateTruncating(w.RowDivisor[i] * w.ColDivisor[j]);
                }
            }
        }
    }

    /// <summary>inputGrad[p] = Σ over windows of outputGrad[p, i, j] / divisor(i, j) spread over the window (every element written).</summary>
    public static void Backward<T>(ReadOnlySpan<T> outputGrad, Span<T> inputGrad, PoolWindows w, int planes) where T : unmanaged, INumber<T>
    {
        int plane = w.Height * w.Width, outPlane = w.OutHeight * w.OutWidth;
        inputGrad[..(planes * plane)].Clear();
        for (int p = 0; p < planes; p++)
        {
            ReadOnlySpan<T> dy = outputGrad.Slice(p * outPlane, outPlane);
            Span<T> dx = inputGrad.Slice(p * plane, plane);
            for (int i = 0; i < w.OutHeight; i++)
            {
                for (int j = 0; j < w.OutWidth; j++)
                {
                    T share = dy[i * w.OutWidth + j] / T.CreateTruncating(w.RowDivisor[i] * w.ColDivisor[j]);
                    int c0 = w.ColStart[j], width = w.ColEnd[j] - c0;
                    for (int r = w.RowStart[i]; r < w.RowEnd[i]; r++)
                    {
                        Span<T> row = dx.Slice(r * w.Width + c0, width);
                        TensorPrimitives.Add(row, share, row);
                    }
                }
            }
        }
    }
}

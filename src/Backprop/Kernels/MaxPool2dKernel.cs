using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
/// <b>Paths.</b> Scalar: windows are small and strided, so each output is one short loop. The
/// common 2×2 window with stride 2 has a path of its own, and with AVX2 (float32) takes eight or
/// four windows at once: the compare-and-select of the scalar loop in vector lanes, so the same
/// choice, with no unpredictable branch per element.
/// <b>Empty</b> inputs write nothing. The caller checks shapes; every window holds at least one
/// input element because padding is at most half the kernel.
/// </para>
/// </remarks>
internal static unsafe class MaxPool2dKernel
{
    /// <summary>Input elements below which the planes run one after another on the calling thread.</summary>
    private const int ParallelThreshold = 1 << 16;

    /// <summary>
    /// <see cref="Forward{T}(ReadOnlySpan{T}, Span{T}, Span{long}, in ConvGeometry, int)"/> with
    /// the planes shared among threads when the input is large (planes are independent, so the
    /// result is the same for any thread count).
    /// </summary>
    public static void Forward<T>(ReadOnlyMemory<T> input, Memory<T> output, Memory<long> indices, ConvGeometry g, int planes)
        where T : unmanaged, INumber<T>
    {
        int threads = Math.Min(Environment.ProcessorCount, planes);
        if (threads < 2 || (long)planes * g.Plane < ParallelThreshold)
        {
            Forward(input.Span, output.Span, indices.Span, g, planes);
            return;
        }
        int plane = g.Plane, outPlane = g.OutPlane;
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            int first = (int)((long)planes * t / threads), end = (int)((long)planes * (t + 1) / threads);
            Forward(input.Span[(first * plane)..(end * plane)], output.Span[(first * outPlane)..(end * outPlane)],
                    indices.Span[(first * outPlane)..(end * outPlane)], g, end - first);
        });
    }

    /// <summary>The maximum of every window of every plane, and its index in the plane.</summary>
    public static void Forward<T>(ReadOnlySpan<T> input, Span<T> output, Span<long> indices, in ConvGeometry g, int planes)
        where T : unmanaged, INumber<T>
    {
        // (Whole windows only: ceil mode's last, partial window takes the general loop.)
        if (g.KernelH == 2 && g.KernelW == 2 && g.StrideH == 2 && g.StrideW == 2 && g.PadTop == 0 && g.PadLeft == 0 && g.DilationH == 1 && g.DilationW == 1
            && 2 * g.OutHeight <= g.Height && 2 * g.OutWidth <= g.Width)
        {
            Forward2x2(input, output, indices, g, planes);
            return;
        }
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

    /// <summary>
    /// The common 2×2 window with stride 2 and no padding (every CNN's pooling): the same choice
    /// as the general loop (first maximum in row-major order, NaN wins), without its bounds
    /// tests per window element.
    /// </summary>
    private static void Forward2x2<T>(ReadOnlySpan<T> input, Span<T> output, Span<long> indices, in ConvGeometry g, int planes)
        where T : unmanaged, INumber<T>
    {
        int width = g.Width, plane = g.Plane, outPlane = g.OutPlane, oh = g.OutHeight, ow = g.OutWidth;
        if (typeof(T) == typeof(float) && Avx2.IsSupported && ow >= 4)
        {
            Forward2x2Avx2(MemoryMarshal.Cast<T, float>(input), MemoryMarshal.Cast<T, float>(output), indices, width, plane, oh, ow, planes);
            return;
        }
        for (int p = 0; p < planes; p++)
        {
            ReadOnlySpan<T> x = input.Slice(p * plane, plane);
            Span<T> y = output.Slice(p * outPlane, outPlane);
            Span<long> at = indices.Slice(p * outPlane, outPlane);
            for (int i = 0; i < oh; i++)
            {
                int top = 2 * i * width;
                ReadOnlySpan<T> upper = x.Slice(top, 2 * ow), lower = x.Slice(top + width, 2 * ow);
                Span<T> yRow = y.Slice(i * ow, ow);
                Span<long> atRow = at.Slice(i * ow, ow);
                for (int j = 0; j < ow; j++) atRow[j] = Window(upper, lower, 2 * j, top, width, out yRow[j]);
            }
        }
    }

    /// <summary>
    /// The window whose upper-left corner is column <paramref name="c"/> of
    /// <paramref name="upper"/>: its maximum (in <paramref name="best"/>) and that element's index
    /// in the plane, taking the four in row-major order, a later one when greater or NaN.
    /// </summary>
    private static int Window<T>(ReadOnlySpan<T> upper, ReadOnlySpan<T> lower, int c, int top, int width, out T best) where T : INumber<T>
    {
        best = upper[c];
        int which = top + c;
        T v = upper[c + 1];
        if (v > best || T.IsNaN(v)) { best = v; which = top + c + 1; }
        v = lower[c];
        if (v > best || T.IsNaN(v)) { best = v; which = top + width + c; }
        v = lower[c + 1];
        if (v > best || T.IsNaN(v)) { best = v; which = top + width + c + 1; }
        return which;
    }

    /// <summary>
    /// <see cref="Forward2x2{T}"/> for float32 with AVX2: per pair of input rows, eight windows
    /// (then four) at a time. The even and odd columns of each row are separated by shuffles, the
    /// four candidates are taken in the scalar loop's order with the same test (greater, or
    /// NaN), and the window's code (0, 1, W, W + 1) becomes its index; leftover windows of a row
    /// go through the scalar test.
    /// </summary>
    private static void Forward2x2Avx2(ReadOnlySpan<float> input, Span<float> output, Span<long> indices, int width, int plane, int oh, int ow, int planes)
    {
        if (planes == 0) return;
        _ = input[planes * plane - 1];
        _ = output[planes * oh * ow - 1];
        _ = indices[planes * oh * ow - 1];
        Vector256<int> right = Vector256.Create(1), below = Vector256.Create(width), diagonal = Vector256.Create(width + 1);
        Vector256<int> evens = Vector256.Create(0, 2, 4, 6, 1, 3, 5, 7), columns = Vector256.Create(0, 2, 4, 6, 8, 10, 12, 14);
        fixed (float* xs = input, ys = output)
        fixed (long* ats = indices)
        {
            for (int p = 0; p < planes; p++)
            {
                for (int i = 0; i < oh; i++)
                {
                    int top = 2 * i * width;
                    float* up = xs + (nint)p * plane + top, low = up + width;
                    float* y = ys + ((nint)p * oh + i) * ow;
                    long* at = ats + ((nint)p * oh + i) * ow;
                    int j = 0;
                    for (; j + 8 <= ow; j += 8)
                    {
                        // Shuffle within 128-bit lanes: evens [0 2 8 10 | 4 6 12 14], odds likewise;
                        // Permute4x64 (0xD8) puts the eight windows back in order at the end.
                        Vector256<float> u0 = Avx.LoadVector256(up + 2 * j), u1 = Avx.LoadVector256(up + 2 * j + 8);
                        Vector256<float> l0 = Avx.LoadVector256(low + 2 * j), l1 = Avx.LoadVector256(low + 2 * j + 8);
                        (Vector256<float> best, Vector256<int> code) = Choose(Avx.Shuffle(u0, u1, 0x88), Avx.Shuffle(u0, u1, 0xDD),
                                                                          Avx.Shuffle(l0, l1, 0x88), Avx.Shuffle(l0, l1, 0xDD), right, below, diagonal);
                        best = Avx2.Permute4x64(best.AsDouble(), 0xD8).AsSingle();
                        code = Avx2.Permute4x64(code.AsInt64(), 0xD8).AsInt32();
                        Vector256<int> where = Avx2.Add(Avx2.Add(code, columns), Vector256.Create(top + 2 * j));
                        Avx.Store(y + j, best);
                        Avx.Store(at + j, Avx2.ConvertToVector256Int64(where.GetLower()));
                        Avx.Store(at + j + 4, Avx2.ConvertToVector256Int64(where.GetUpper()));
                    }
                    if (j + 4 <= ow)
                    {
                        // Four windows from eight columns: evens to the low half, odds to the high half.
                        Vector256<float> u = Avx2.PermuteVar8x32(Avx.LoadVector256(up + 2 * j), evens);
                        Vector256<float> l = Avx2.PermuteVar8x32(Avx.LoadVector256(low + 2 * j), evens);
                        (Vector256<float> best, Vector256<int> code) = Choose(u, Avx2.Permute2x128(u, u, 0x01), l, Avx2.Permute2x128(l, l, 0x01), right, below, diagonal);
                        Vector128<int> where = Sse2.Add(Sse2.Add(code.GetLower(), columns.GetLower()), Vector128.Create(top + 2 * j));
                        Sse.Store(y + j, best.GetLower());
                        Avx.Store(at + j, Avx2.ConvertToVector256Int64(where));
                        j += 4;
                    }
                    for (; j < ow; j++) at[j] = Window(new ReadOnlySpan<float>(up, 2 * ow), new ReadOnlySpan<float>(low, 2 * ow), 2 * j, top, width, out y[j]);
                }
            }
        }
    }

    /// <summary>
    /// Per lane, the scalar loop's choice among the four candidates in window order (a later one
    /// wins when greater or NaN), and its offset from the window's corner.
    /// </summary>
    private static (Vector256<float> Best, Vector256<int> Code) Choose(Vector256<float> upperLeft, Vector256<float> upperRight, Vector256<float> lowerLeft,
                                                                      Vector256<float> lowerRight, Vector256<int> right, Vector256<int> below, Vector256<int> diagonal)
    {
        Vector256<float> best = upperLeft;
        Vector256<int> code = Vector256<int>.Zero;
        Take(upperRight, right, ref best, ref code);
        Take(lowerLeft, below, ref best, ref code);
        Take(lowerRight, diagonal, ref best, ref code);
        return (best, code);

        static void Take(Vector256<float> v, Vector256<int> offset, ref Vector256<float> best, ref Vector256<int> code)
        {
            Vector256<float> wins = Avx.Or(Avx.CompareGreaterThan(v, best), Avx.CompareUnordered(v, v));
            best = Avx.BlendVariable(best, v, wins);
            code = Avx2.BlendVariable(code, offset, wins.AsInt32());
        }
    }

    /// <summary>
    /// <see cref="Scatter{T}(ReadOnlySpan{T}, ReadOnlySpan{long}, Span{T}, int, int, int)"/> with the
    /// planes shared among threads when the gradient is large, a few runs of planes per thread so
    /// that a thread that wakes late still finds some (planes are independent: the same bits).
    /// </summary>
    public static void Scatter<T>(ReadOnlyMemory<T> outputGrad, ReadOnlyMemory<long> indices, Memory<T> inputGrad, int plane, int outPlane, int planes)
        where T : unmanaged, INumber<T>
    {
        int threads = Math.Min(Environment.ProcessorCount, planes);
        if (threads < 2 || (long)planes * plane < ParallelThreshold)
        {
            Scatter(outputGrad.Span, indices.Span, inputGrad.Span, plane, outPlane, planes);
            return;
        }
        int chunks = Math.Min(planes, threads * 4);
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            int first = (int)((long)planes * t / chunks), end = (int)((long)planes * (t + 1) / chunks);
            Scatter(outputGrad.Span[(first * outPlane)..(end * outPlane)], indices.Span[(first * outPlane)..(end * outPlane)],
                    inputGrad.Span[(first * plane)..(end * plane)], plane, outPlane, end - first);
        });
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

    /// <summary>output[o] = source[index of o] in o's plane: the adjoint of <see cref="Scatter{T}(ReadOnlySpan{T}, ReadOnlySpan{long}, Span{T}, int, int, int)"/>.</summary>
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

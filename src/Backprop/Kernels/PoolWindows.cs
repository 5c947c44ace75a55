namespace Backprop.Kernels;

/// <summary>
/// The windows of an average pooling, one axis at a time: output row i averages input rows
/// [RowStart[i], RowEnd[i]) (already clipped to the input) and divides by RowDivisor[i], and the
/// same for columns; the divisor of a window is the product of its row and column divisors.
/// Average pooling, its count_include_pad variants and adaptive pooling all have windows of
/// this separable form.
/// </summary>
internal sealed record PoolWindows(int Height, int Width, int[] RowStart, int[] RowEnd, int[] RowDivisor, int[] ColStart, int[] ColEnd, int[] ColDivisor)
{
    /// <summary>Output height.</summary>
    public int OutHeight => RowStart.Length;

    /// <summary>Output width.</summary>
    public int OutWidth => ColStart.Length;

    /// <summary>
    /// The windows of <c>avg_pool2d</c>: window i starts at i·stride - padding, k long; with
    /// <paramref name="countIncludePad"/> the divisor counts the padding inside the padded input
    /// (as PyTorch), else only the input positions.
    /// </summary>
    public static PoolWindows Average(int height, int width, (int H, int W) kernel, (int H, int W) stride, (int H, int W) padding, int outH, int outW, bool countIncludePad)
    {
        (int[] rs, int[] re, int[] rd) = Axis(height, kernel.H, stride.H, padding.H, outH, countIncludePad);
        (int[] cs, int[] ce, int[] cd) = Axis(width, kernel.W, stride.W, padding.W, outW, countIncludePad);
        return new(height, width, rs, re, rd, cs, ce, cd);
    }

    /// <summary>The windows of <c>adaptive_avg_pool2d</c>: window i covers [⌊i·H/out⌋, ⌈(i+1)·H/out⌉).</summary>
    public static PoolWindows Adaptive(int height, int width, int outH, int outW)
    {
        (int[] rs, int[] re, int[] rd) = AdaptiveAxis(height, outH);
        (int[] cs, int[] ce, int[] cd) = AdaptiveAxis(width, outW);
        return new(height, width, rs, re, rd, cs, ce, cd);
    }

    private static (int[], int[], int[]) Axis(int size, int kernel, int stride, int padding, int outSize, bool countIncludePad)
    {
        int[] start = new int[outSize], end = new int[outSize], divisor = new int[outSize];
        for (int i = 0; i < outSize; i++)
        {
            int from = i * stride - padding, to = Math.Min(from + kernel, size + padding);
            int padded = to - from;
            from = Math.Max(from, 0);
            to = Math.Min(to, size);
            (start[i], end[i], divisor[i]) = (from, Math.Max(to, from), countIncludePad ? padded : Math.Max(to - from, 0));
        }
        return (start, end, divisor);
    }

    private static (int[], int[], int[]) AdaptiveAxis(int size, int outSize)
    {
        int[] start = new int[outSize], end = new int[outSize], divisor = new int[outSize];
        for (int i = 0; i < outSize; i++)
        {
            start[i] = (int)((long)i * size / outSize);
            end[i] = (int)(((long)(i + 1) * size + outSize - 1) / outSize);
            divisor[i] = end[i] - start[i];
        }
        return (start, end, divisor);
    }
}
